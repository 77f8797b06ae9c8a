import { describe, expect, it } from 'vitest';
import { fifoPolicy } from '../../src/sim/policies/fifo.js';
import { priceOnlyPolicy } from '../../src/sim/policies/priceOnly.js';
import { bid, instance, node, snapshot } from './fixtures.js';

const reserve = { cpu: 0.01, memory: 0, network: 0 };

describe('priceOnlyPolicy', () => {
  it('admits the highest bids first and charges everyone the highest losing bid per core', () => {
    const plan = priceOnlyPolicy(reserve).decide(
      snapshot({ nodes: [node('n1', 4)], bids: [bid('low', 0.5, 2), bid('high', 2, 2), bid('mid', 1, 2)] }),
    );
    expect(plan.placements.map((p) => p.bidId)).toEqual(['high', 'mid']);
    // Loser 'low' bid 0.5 for 2 cores → 0.25 per core → 0.5 for a 2-core winner.
    expect(plan.placements.map((p) => p.price)).toEqual([0.5, 0.5]);
    expect(plan.outcomes).toMatchObject([{ bidId: 'low', outcome: 'deferred', reason: 'outbid' }]);
  });

  it('terminates a lower-priced running instance without notice when a higher bid needs its room', () => {
    const plan = priceOnlyPolicy(reserve).decide(
      snapshot({
        now: 1000,
        nodes: [node('n1', 4)],
        instances: [instance('cheap', 'n1', 0.2, 2), instance('dear', 'n1', 5, 2)],
        bids: [bid('new', 1, 2)],
      }),
    );
    expect(plan.preemptions).toMatchObject([{ instanceId: 'cheap', reason: 'outbid', noticeSeconds: 0, preemptorId: 'new' }]);
    expect(plan.terminations).toEqual([{ instanceId: 'cheap', kind: 'preempted', nodeId: null }]);
    expect(plan.placements).toMatchObject([{ bidId: 'new', nodeIds: ['n1'] }]);
  });

  it('never evicts an instance that bid at least as much', () => {
    const plan = priceOnlyPolicy(reserve).decide(
      snapshot({ nodes: [node('n1', 2)], instances: [instance('same', 'n1', 1, 2)], bids: [bid('new', 1, 2)] }),
    );
    expect(plan.preemptions).toEqual([]);
    expect(plan.placements).toEqual([]);
  });

  it('leaves bids below the reserve price waiting', () => {
    const plan = priceOnlyPolicy({ cpu: 1, memory: 0, network: 0 }).decide(snapshot({ nodes: [node('n1', 4)], bids: [bid('b', 1, 2)] }));
    expect(plan.placements).toEqual([]);
    expect(plan.outcomes[0]!.bidId).toBe('b');
  });
});

describe('fifoPolicy', () => {
  it('places in arrival order, first fit, letting a small later bid pass a big one', () => {
    const plan = fifoPolicy(reserve).decide(
      snapshot({ nodes: [node('n1', 4), node('n2', 4)], bids: [bid('b2', 9, 3, 2), bid('b1', 1, 3, 1), bid('big', 9, 8, 3), bid('b3', 1, 1, 4)] }),
    );
    expect(plan.placements.map((p) => [p.bidId, p.nodeIds[0]])).toEqual([
      ['b1', 'n1'],
      ['b2', 'n2'],
      ['b3', 'n1'],
    ]);
    expect(plan.outcomes).toMatchObject([{ bidId: 'big', outcome: 'deferred' }]);
    expect(plan.preemptions).toEqual([]);
  });

  it('expires a bid that waited longer than its maxWaitSeconds', () => {
    const plan = fifoPolicy(reserve).decide(snapshot({ now: 3_600_000, nodes: [node('n1', 1)], bids: [bid('big', 1, 8, 0)] }));
    expect(plan.outcomes).toMatchObject([{ bidId: 'big', outcome: 'expired', reason: 'expired' }]);
  });
});
