import { describe, expect, it } from 'vitest';
import { clearRound, MarketInputError } from '../../src/market/index.js';
import { NOW, bid, deps, instance, node, profile, snapshot } from './builders.js';

describe('clearRound', () => {
  it('places a bid that fits and explains the decision with every configured term', () => {
    const plan = clearRound(snapshot({ nodes: [node('n1')], bids: [bid('b1')] }), deps());
    expect(plan.placements).toHaveLength(1);
    const p = plan.placements[0]!;
    expect(p.nodeIds).toEqual(['n1']);
    expect(p.score.terms.map((t) => t.name)).toEqual(['price', 'priority', 'efficiency', 'standing', 'interference', 'packing', 'balance']);
    expect(p.score.total).toBeCloseTo(p.score.terms.reduce((a, t) => a + t.contribution, 0));
    expect(p.price).toBeLessThanOrEqual(1);
    expect(plan.outcomes).toEqual([]);
  });

  it('never lets declared memory peaks exceed node memory, even when predicted use is small', () => {
    const small = profile({ memory: { avg: 100, peak: 3000 } });
    const plan = clearRound(
      snapshot({ nodes: [node('n1', { memory: 4096 })], bids: [bid('a', { profile: small }), bid('b', { profile: small })] }),
      deps(),
    );
    expect(plan.placements).toHaveLength(1);
    expect(plan.outcomes).toHaveLength(1);
    expect(plan.outcomes[0]!.reason).toBe('outbid');
  });

  it('places on predicted demand: more instances fit than declared peaks would allow', () => {
    const p = profile({ cpu: { avg: 1, peak: 4 }, memory: { avg: 100, peak: 200 }, network: { avg: 1, peak: 2 } });
    const bids = Array.from({ length: 8 }, (_, i) => bid(`b${i}`, { profile: p }));
    const plan = clearRound(snapshot({ nodes: [node('n1', { cpu: 16 })], bids }), deps());
    // Declared peaks allow 4 (16 / 4); mean 1, σ = 3/2.326 each: k + 2.326·1.29·√k ≤ 16 holds up to k = 8.
    expect(plan.placements.length).toBeGreaterThan(4);
  });

  it('places count > 1 all-or-nothing', () => {
    const big = profile({ cpu: { avg: 6, peak: 6 } });
    const plan = clearRound(snapshot({ nodes: [node('n1', { cpu: 16 })], bids: [bid('b', { profile: big, count: 3 })] }), deps());
    expect(plan.placements).toEqual([]);
    expect(plan.outcomes[0]!.reason).toBe('capacity');
    const ok = clearRound(snapshot({ nodes: [node('n1', { cpu: 16 }), node('n2', { cpu: 16 })], bids: [bid('b', { profile: big, count: 3 })] }), deps());
    expect(ok.placements[0]!.nodeIds).toHaveLength(3);
  });

  it('expires bids past maxWaitSeconds and rejects bids under the reserve', () => {
    const plan = clearRound(
      snapshot({
        nodes: [node('n1')],
        bids: [bid('old', { maxWaitSeconds: 10, submittedAt: NOW - 11_000 }), bid('cheap', { price: 0 })],
      }),
      deps(),
    );
    expect(plan.outcomes.find((o) => o.bidId === 'old')).toMatchObject({ outcome: 'expired', reason: 'expired' });
    expect(plan.outcomes.find((o) => o.bidId === 'cheap')).toMatchObject({ outcome: 'rejected', reason: 'reserve_price' });
  });

  it('terminates notified instances past their deadline and completes moves', () => {
    const notice = { reason: 'drain' as const, noticeGivenSeconds: 60, noticedAt: NOW - 60_000, preemptorId: null, penalty: null };
    const plan = clearRound(
      snapshot({
        nodes: [node('n1'), node('n2')],
        instances: [
          instance('gone', 'n1', { state: 'notified', notice: { ...notice, deadline: NOW - 1, moveToNodeId: null } }),
          instance('moved', 'n1', { state: 'notified', notice: { ...notice, deadline: NOW, moveToNodeId: 'n2' } }),
          instance('later', 'n1', { state: 'notified', notice: { ...notice, deadline: NOW + 1, moveToNodeId: null } }),
        ],
      }),
      deps(),
    );
    expect(plan.terminations).toEqual([
      { instanceId: 'gone', kind: 'preempted', nodeId: null },
      { instanceId: 'moved', kind: 'moved', nodeId: 'n2' },
    ]);
  });

  it('charges pay-as-bid its bid and uniform at most its bid', () => {
    const s = snapshot({ nodes: [node('n1', { cpu: 2 })], bids: [bid('hi', { price: 5 }), bid('lo', { price: 1 })] });
    const pab = clearRound(s, deps(), { paymentRule: 'pay-as-bid' });
    expect(pab.placements.map((p) => [p.bidId, p.price])).toEqual([['hi', 5]]);
    const uni = clearRound(s, deps(), { paymentRule: 'uniform' });
    expect(uni.placements[0]!.bidId).toBe('hi');
    // The loser's unit price sets the uniform price; the same-sized winner pays exactly the loser's bid.
    expect(uni.placements[0]!.price).toBeCloseTo(1, 6);
  });

  it('fails loudly on a bad snapshot', () => {
    expect(() => clearRound(snapshot({ nodes: [node('n1')], bids: [bid('b', { count: 0 })] }), deps())).toThrow(MarketInputError);
    expect(() => clearRound(snapshot({ instances: [instance('i', 'nowhere')] }), deps())).toThrow(/unknown node/);
  });
});
