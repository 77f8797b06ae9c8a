/**
 * Regression cases for three engine rules, each a small snapshot built from the shared builders:
 *   - low-utilization preemption respects the priority gap (a low bid never stops an idle high instance);
 *   - a profile violation must be sustained and must hurt someone (one spike on a lone instance stops nothing);
 *   - placement respects the QoS slowdown limit, from the model's prediction and from reported slowdown.
 */
import { describe, expect, it } from 'vitest';
import { clearRound, StatisticalInterferenceModel } from '../../src/market/index.js';
import type { FeedbackSample } from '../../src/market/index.js';
import { NOW, bid, deps, instance, node, profile, snapshot } from './builders.js';

/** n samples, 5 minutes apart, the newest 5 minutes before NOW. */
function series(values: readonly { cpu: number; memory: number; network: number; slowdown?: number }[]): FeedbackSample[] {
  return values.map((v, k) => ({ at: NOW - (values.length - k) * 300_000, ...v }));
}
const flat = (n: number, cpu: number, memory: number, network: number, slowdown?: number) =>
  series(Array.from({ length: n }, () => ({ cpu, memory, network, ...(slowdown === undefined ? {} : { slowdown }) })));

describe('low-utilization preemption and the priority gap', () => {
  // The minimal case from the simulator: one 4-core node, an instance that went idle after a busy half hour, and a
  // bid of the same size that cannot fit beside it.
  const shape = profile({
    cpu: { avg: 2, peak: 4 },
    memory: { avg: 1024, peak: 2048 },
    network: { avg: 1, peak: 2 },
    interruptibility: { maxInterruptionsPerDay: 1, maxInterruptionSeconds: 900, minNoticeSeconds: 600 },
    expectedRuntimeSeconds: 14400,
  });
  const history = [...flat(6, 3, 1500, 1, 1), ...flat(6, 0.1, 150, 0.1, 1)].map((s, k) => ({ ...s, at: NOW - (12 - k) * 300_000 }));
  // protectedPriority 101 protects nobody (the gap alone decides); the default, 75, protects high work from being
  // stopped for anyone else's sake (protection.ts).
  const unprotected = { protectedPriority: 101 };
  const cases = [
    { name: 'low bid vs idle high instance', victim: 75, bid: 'low' as const, stops: false, config: unprotected },
    { name: 'normal bid vs idle high instance (inside the gap)', victim: 75, bid: 'normal' as const, stops: false, config: unprotected },
    { name: 'critical bid vs idle high instance (gap cleared)', victim: 75, bid: 'critical' as const, stops: true, config: unprotected },
    { name: 'critical bid vs idle high instance, high protected (default)', victim: 75, bid: 'critical' as const, stops: false, config: {} },
    { name: 'normal bid vs idle low instance', victim: 25, bid: 'normal' as const, stops: true, config: {} },
  ];
  it.each(cases)('$name', ({ victim, bid: priority, stops, config }) => {
    const plan = clearRound(
      snapshot({
        nodes: [node('n1', { cpu: 4, memory: 16384, network: 1000 })],
        instances: [
          instance('idle', 'n1', {
            profile: { ...shape, priority: victim >= 75 ? 'high' : 'low' },
            declaredPriority: victim >= 75 ? 'high' : 'low',
            effectivePriority: victim,
            startedAt: NOW - 3600_000,
            history,
          }),
        ],
        // Two instances: displacement (the outbid path) can free room for one only, so the scarcity stage decides.
        bids: [bid('b', { profile: { ...shape, priority }, priority, price: 0.5, count: 2 })],
      }),
      deps(),
      config,
    );
    const reasons = plan.preemptions.map((p) => p.reason);
    if (stops) expect(reasons).toContain('low_utilization');
    else expect(plan.preemptions).toEqual([]);
  });
});

describe('profile violation: sustained, and hurting someone', () => {
  // The simulator's case: a lone high instance on a 16-core node, declared memory peak 612 MiB, one 928 MiB sample.
  const declared = profile({
    cpu: { avg: 0.067, peak: 0.131 },
    memory: { avg: 210, peak: 612 },
    network: { avg: 0.039, peak: 1.148 },
    priority: 'high',
  });
  const spike = series([273, 317, 175, 22, 218, 928].map((memory) => ({ cpu: 0.064, memory, network: 0.038, slowdown: 1.02 })));
  const sustained = series([980, 990, 300, 1000, 1010, 990].map((memory) => ({ cpu: 0.064, memory, network: 0.038, slowdown: 1.02 })));
  const big = node('n16', { cpu: 16, memory: 131072, network: 10000 });
  const hurtCoRunner = instance('co', 'n16', { history: flat(6, 1, 1024, 50, 1.5), effectivePriority: 50 });
  const calmCoRunner = instance('co', 'n16', { history: flat(6, 1, 1024, 50, 1.01), effectivePriority: 50 });
  const cases = [
    { name: 'one spike, alone, no bids (the simulator case)', history: spike, others: [], stops: false },
    { name: 'one spike, co-runner reports a slowdown', history: spike, others: [hurtCoRunner], stops: false },
    { name: 'sustained, alone, no bids: stopping gains nothing', history: sustained, others: [], stops: false },
    { name: 'sustained, co-runner fine', history: sustained, others: [calmCoRunner], stops: false },
    { name: 'sustained, co-runner reports a slowdown above the limit', history: sustained, others: [hurtCoRunner], stops: true },
  ];
  it.each(cases)('$name', ({ history, others, stops }) => {
    const plan = clearRound(
      snapshot({
        nodes: [big],
        instances: [
          instance('w0', 'n16', { profile: declared, declaredPriority: 'high', effectivePriority: 75, startedAt: NOW - 7200_000, history }),
          ...others,
        ],
      }),
      deps(),
    );
    const violation = plan.preemptions.filter((p) => p.reason === 'profile_violation').map((p) => p.instanceId);
    expect(violation).toEqual(stops ? ['w0'] : []);
  });

  it('stops a sustained violator that hurts nobody only for a bid that needs the room and clears the gap', () => {
    const hog = profile({ memory: { avg: 1000, peak: 1000 }, priority: 'low' });
    const plan = (priority: 'normal' | 'critical') =>
      clearRound(
        snapshot({
          nodes: [node('n1', { memory: 2048 })],
          instances: [instance('v', 'n1', { profile: hog, declaredPriority: 'low', effectivePriority: 25, history: flat(6, 1, 1600, 50) })],
          bids: [bid('b', { profile: { ...hog, memory: { avg: 1500, peak: 1500 } }, priority, count: 2 })],
        }),
        deps(),
      );
    expect(plan('critical').preemptions.map((p) => [p.instanceId, p.reason])).toContainEqual(['v', 'profile_violation']);
    // normal (50) vs low (25) also clears the gap of 10; with a gap of 30 it does not.
    const blocked = clearRound(
      snapshot({
        nodes: [node('n1', { memory: 2048 })],
        instances: [instance('v', 'n1', { profile: hog, declaredPriority: 'low', effectivePriority: 25, history: flat(6, 1, 1600, 50) })],
        bids: [bid('b', { profile: { ...hog, memory: { avg: 1500, peak: 1500 } }, priority: 'normal', count: 2 })],
      }),
      deps(),
      { priorityGap: 30 },
    );
    expect(blocked.preemptions).toEqual([]);
  });
});

describe('QoS limit in placement', () => {
  const small = profile({ cpu: { avg: 1, peak: 2 }, memory: { avg: 1024, peak: 2048 }, network: { avg: 50, peak: 100 } });
  const cases = [
    { name: 'residents report 1.05: accepted', reported: 1.05, limit: 1.2, placed: true },
    { name: 'residents report 1.3 > 1.2: nothing new', reported: 1.3, limit: 1.2, placed: false },
    { name: 'residents report 1.3 under a limit of 1.5: accepted', reported: 1.3, limit: 1.5, placed: true },
  ];
  it.each(cases)('$name', ({ reported, limit, placed }) => {
    const plan = clearRound(
      snapshot({
        nodes: [node('n1')],
        instances: [instance('r', 'n1', { history: flat(6, 1, 1024, 50, reported) })],
        bids: [bid('b', { profile: small })],
      }),
      deps(),
      { qosSlowdownLimit: limit },
    );
    expect(plan.placements.length).toBe(placed ? 1 : 0);
  });

  it('goes to the node whose residents do not report slowdown, even when the other scores better', () => {
    const plan = clearRound(
      snapshot({
        nodes: [node('n1'), node('n2', { cpu: 64 })],
        instances: [instance('r', 'n2', { history: flat(6, 1, 1024, 50, 1.4) })],
        bids: [bid('b', { profile: small })],
      }),
      deps(),
      { percentageOfNodesToScore: 100 },
    );
    expect(plan.placements.map((p) => p.nodeIds)).toEqual([['n1']]);
  });

  it('refuses a node where the model predicts a slowdown above the limit', () => {
    // A 4-core node at ρ_cpu ≈ 0.9 after the candidate: the queueing and memory-bandwidth terms exceed 1.2.
    const busy = profile({ cpu: { avg: 2.6, peak: 2.7 }, memory: { avg: 1024, peak: 2048 }, network: { avg: 1, peak: 2 } });
    const snap = snapshot({
      nodes: [node('n1', { cpu: 4 })],
      instances: [instance('r', 'n1', { profile: busy })],
      bids: [bid('b', { profile: profile({ cpu: { avg: 1, peak: 1.05 }, memory: { avg: 100, peak: 200 }, network: { avg: 1, peak: 2 } }) })],
    });
    expect(clearRound(snap, deps(), { qosSlowdownLimit: 1.2 }).placements).toEqual([]);
    expect(clearRound(snap, deps(), { qosSlowdownLimit: 3 }).placements).toHaveLength(1);
  });

  it('moves the worst interferer off a node whose residents report slowdown above the limit', () => {
    const heavy = profile({ cpu: { avg: 8, peak: 10 }, memory: { avg: 20000, peak: 24000 }, network: { avg: 50, peak: 100 } });
    const plan = clearRound(
      snapshot({
        nodes: [node('n1'), node('n2')],
        instances: [
          instance('heavy', 'n1', { profile: heavy, history: flat(6, 8, 20000, 50, 1.0) }),
          instance('victim', 'n1', { history: flat(6, 1, 1024, 50, 1.35) }),
        ],
      }),
      deps(),
    );
    expect(plan.preemptions).toHaveLength(1);
    expect(plan.preemptions[0]).toMatchObject({ instanceId: 'heavy', reason: 'interference', moveToNodeId: 'n2' });
  });
});

describe('interference preemption and the priority gap', () => {
  const noisy = profile({ cpu: { avg: 6, peak: 9 }, memory: { avg: 30000, peak: 30000 }, network: { avg: 4000, peak: 8000 } });
  // One node only: the offender cannot be moved, so the question is whether it may be stopped.
  const cases = [
    { name: 'high offender, low co-runners: not stopped', offender: 75, coRunners: 25, stopped: false },
    { name: 'high offender, normal co-runners (inside the gap): not stopped', offender: 75, coRunners: 70, stopped: false },
    { name: 'low offender, normal co-runners: stopped', offender: 25, coRunners: 50, stopped: true },
  ];
  it.each(cases)('$name', ({ offender, coRunners, stopped }) => {
    const plan = clearRound(
      snapshot({
        nodes: [node('n1')],
        instances: [
          instance('noisy', 'n1', { profile: noisy, effectivePriority: offender }),
          instance('q1', 'n1', { effectivePriority: coRunners }),
          instance('q2', 'n1', { effectivePriority: coRunners }),
          instance('q3', 'n1', { effectivePriority: coRunners }),
        ],
      }),
      deps(),
      { interferenceThreshold: 0.1 },
    );
    const p = plan.preemptions.filter((x) => x.instanceId === 'noisy');
    if (stopped) expect(p).toEqual([expect.objectContaining({ reason: 'interference', moveToNodeId: null })]);
    else expect(p).toEqual([]);
  });
});

describe('StatisticalInterferenceModel below saturation', () => {
  const m = new StatisticalInterferenceModel();
  const cap = { id: 'n', cpu: 16, memory: 65536, network: 10000 };
  const load = (cpuMean: number) => ({
    count: 4, cpuMean, cpuVar: 0.01, memoryMean: 8000, memoryVar: 1, networkMean: 100, networkVar: 1, networkP99: 200, memoryPeak: 8000,
  });
  const cand = { cpuMean: 1, cpuVar: 0.01, memoryMean: 1000, memoryVar: 1, networkMean: 10, networkVar: 1, networkP99: 20, memoryPeak: 2000 };
  it.each([
    [2, 8],
    [8, 12],
    [12, 14],
  ])('slowdown grows with co-runner CPU load: %d → %d cores', (lo, hi) => {
    const a = m.estimateLoad(cand, cap, load(lo)).candidateSlowdown;
    const b = m.estimateLoad(cand, cap, load(hi)).candidateSlowdown;
    expect(b).toBeGreaterThan(a);
    // Far below saturation: contention (overflow probability) is nil, so the growth is the sub-saturation terms.
    expect(m.estimateLoad(cand, cap, load(lo)).components.contention).toBeLessThan(1e-9);
  });
  it('rejects a negative sensitivity', () => {
    expect(() => new StatisticalInterferenceModel({ memoryBandwidth: -1 })).toThrow(RangeError);
  });
});
