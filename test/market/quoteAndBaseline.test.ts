import { describe, expect, it } from 'vitest';
import { kubeLikeRound, quote } from '../../src/market/index.js';
import { NOW, bid, deps, instance, node, profile, snapshot } from './builders.js';

describe('quote', () => {
  it('admits now on a free node, at no more than the bid, without changing the snapshot', () => {
    const s = snapshot({ nodes: [node('n1')] });
    const before = structuredClone(s);
    const q = quote(s, profile(), { clientId: 'c', price: 2 }, deps());
    expect(q).toMatchObject({ admitProbability: 1, estimatedStartSeconds: 0 });
    expect(q.expectedClearingPrice).toBeLessThanOrEqual(2);
    expect(s).toEqual(before);
  });

  it('estimates the start from when running instances are expected to end', () => {
    const fat = profile({ memory: { avg: 3000, peak: 3000 } });
    const s = snapshot({
      nodes: [node('n1', { memory: 4096 })],
      instances: [instance('i', 'n1', { profile: { ...fat, expectedRuntimeSeconds: 7200 }, startedAt: NOW - 3600_000 })],
    });
    const q = quote(s, fat, { clientId: 'c', price: 1 }, deps());
    expect(q.estimatedStartSeconds).toBeCloseTo(3600, 0);
    // Waiting on an instance declared to end in an hour, admission within the default hour's wait is about a coin
    // toss: P(T ≤ 2 h | T > 1 h) for T log-normal with median 2 h and σ 0.5 is 0.455.
    expect(q.admitProbability).toBeGreaterThan(0.25);
    expect(q.admitProbability).toBeLessThan(0.7);
    // A short wait rarely sees the room free up (exact 0.062); a long one almost always does (exact 0.9997).
    expect(quote(s, fat, { clientId: 'c', price: 1, maxWaitSeconds: 600 }, deps()).admitProbability).toBeLessThan(0.2);
    expect(quote(s, fat, { clientId: 'c', price: 1, maxWaitSeconds: 30_000 }, deps()).admitProbability).toBeGreaterThan(0.95);
    const never = quote(s, profile({ memory: { avg: 9000, peak: 9000 } }), { clientId: 'c', price: 1, maxWaitSeconds: 30_000 }, deps());
    expect(never).toMatchObject({ estimatedStartSeconds: -1, admitProbability: 0 });
  });

  it('predicts preemption from the recent interruption rate of peers, 0 when the contract forbids it', () => {
    const s = snapshot({
      nodes: [node('n1')],
      instances: [instance('a', 'n1', { interruptions: [NOW - 3600_000] }), instance('b', 'n1')],
    });
    const day = profile({ expectedRuntimeSeconds: 86400 });
    expect(quote(s, day, { clientId: 'c', price: 1 }, deps()).preemptionProbability).toBeCloseTo(1 - Math.exp(-0.5), 6);
    const never = profile({ interruptibility: { maxInterruptionsPerDay: 0, maxInterruptionSeconds: 0, minNoticeSeconds: 0 } });
    expect(quote(s, never, { clientId: 'c', price: 1 }, deps()).preemptionProbability).toBe(0);
  });
});

describe('kubeLikeRound', () => {
  it('filters on declared peaks as requests: fewer fit than Parley places on predictions', () => {
    const p = profile({ cpu: { avg: 1, peak: 4 }, memory: { avg: 100, peak: 200 }, network: { avg: 1, peak: 2 } });
    const bids = Array.from({ length: 8 }, (_, i) => bid(`b${i}`, { profile: p }));
    const plan = kubeLikeRound(snapshot({ nodes: [node('n1', { cpu: 16 })], bids }));
    expect(plan.placements).toHaveLength(4);
    expect(plan.outcomes.every((o) => o.reason === 'capacity')).toBe(true);
  });

  it('scores LeastAllocated + BalancedAllocation: spreads onto the emptier node', () => {
    const plan = kubeLikeRound(
      snapshot({ nodes: [node('busy'), node('idle')], instances: [instance('i', 'busy')], bids: [bid('b')] }),
    );
    expect(plan.placements[0]!.nodeIds).toEqual(['idle']);
    expect(plan.placements[0]!.score.terms.map((t) => t.name)).toEqual(['least_allocated', 'balanced_allocation']);
  });

  it('optionally preempts strictly lower priority pods, ignoring contracts', () => {
    const big = profile({ cpu: { avg: 3, peak: 3 } });
    const s = snapshot({
      nodes: [node('n1', { cpu: 4 })],
      instances: [instance('v', 'n1', { profile: big, declaredPriority: 'low', startedAt: NOW })],
      bids: [bid('b', { profile: big, priority: 'high' })],
    });
    expect(kubeLikeRound(s).preemptions).toEqual([]);
    expect(kubeLikeRound(s, { preemption: true }).preemptions).toMatchObject([{ instanceId: 'v', preemptorId: 'b', reason: 'priority' }]);
  });
});
