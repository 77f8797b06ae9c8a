import { describe, expect, it } from 'vitest';
import { offeredValue, offeredValueOf, VALUE_LOST_PARTS, type PolicyMetrics, type ValueLost } from '../../src/sim/metrics.js';
import { parleyPolicy, statisticalModels } from '../../src/sim/policies/enginePolicies.js';
import { fifoPolicy } from '../../src/sim/policies/fifo.js';
import { priceOnlyPolicy } from '../../src/sim/policies/priceOnly.js';
import { runEnd, simulate, valueLostBy, type SimulationOptions } from '../../src/sim/simulator.js';
import { generateWorkloads } from '../../src/sim/bidStream.js';
import { PRIORITY_CLASSES } from '../../src/market/types.js';
import { constantWorkload, smallScenario, syntheticLibrary } from './scenarioFixture.js';

const reserve = { cpu: 0.005, memory: 0, network: 0 };
const options: SimulationOptions = { reservePrice: () => 0.005 };
const sum = (v: ValueLost) => VALUE_LOST_PARTS.reduce((s, p) => s + v[p], 0);

describe('valueLostBy', () => {
  const end = 1_767_571_200_000 + 10 * 3_600_000;
  // 2 per hour, 4 h of work, arriving at the start: offers 8.
  const workload = constantWorkload('w', { runtimeSeconds: 4 * 3600 });
  const work = (over: Partial<Parameters<typeof valueLostBy>[0]>) => ({
    workload,
    outcome: { value: 0, paid: 0, completed: false },
    started: true,
    gaveUp: false,
    waitedSeconds: 0,
    lostAtStops: 0,
    lostToQos: 0,
    ...over,
  });

  it('puts all the offered value of a bid that never ran down to waiting, given up or at the end', () => {
    expect(offeredValueOf(workload, end)).toBeCloseTo(8, 12);
    expect(valueLostBy(work({ started: false, gaveUp: true }), end)).toMatchObject({ gaveUp: 8, waitingAtEnd: 0, waiting: 0, slowdown: 0 });
    expect(valueLostBy(work({ started: false }), end)).toMatchObject({ gaveUp: 0, waitingAtEnd: 8 });
  });

  it('puts undone work down to waiting first, up to the value of the hours waited, and the rest to slowdown', () => {
    // Earned 5 of 8: 3 undone. One hour waited is worth 2, so 2 to waiting and 1 to slowdown.
    const lost = valueLostBy(work({ outcome: { value: 5, paid: 0, completed: false }, waitedSeconds: 3600 }), end);
    expect(lost.waiting).toBeCloseTo(2, 12);
    expect(lost.slowdown).toBeCloseTo(1, 12);
    // Five hours waited would be worth more than the 3 undone: all 3 to waiting, none to slowdown.
    const long = valueLostBy(work({ outcome: { value: 5, paid: 0, completed: false }, waitedSeconds: 5 * 3600 }), end);
    expect(long).toMatchObject({ waiting: 3, slowdown: 0 });
  });

  it('takes QoS steps as lost, undone work as redone work first, and lets a fast run show as negative slowdown', () => {
    // Earned 6 of 8: 0.25 lost in QoS steps, 1.75 undone: 0.5 of redone work, 0.2 of waiting (6 min), 1.05 slowdown.
    const lost = valueLostBy(work({ outcome: { value: 6, paid: 0, completed: false }, lostAtStops: 0.5, lostToQos: 0.25, waitedSeconds: 360 }), end);
    expect(lost.qosSteps).toBe(0.25);
    expect(lost.abruptStops).toBe(0.5);
    expect(lost.waiting).toBeCloseTo(0.2, 12);
    expect(lost.slowdown).toBeCloseTo(1.05, 12);
    expect(sum(lost)).toBeCloseTo(2, 12);
    // Work redone after a stop that still finished in time cost no welfare: nothing for abrupt stops.
    const redone = valueLostBy(work({ outcome: { value: 8, paid: 0, completed: true }, lostAtStops: 1, waitedSeconds: 600 }), end);
    expect(redone).toMatchObject({ abruptStops: 0, waiting: 0, slowdown: 0 });
    const fast = valueLostBy(work({ outcome: { value: 8.1, paid: 0, completed: true }, waitedSeconds: 600 }), end);
    expect(fast.waiting).toBe(0);
    expect(fast.slowdown).toBeCloseTo(-0.1, 12);
  });
});

describe('value lost in a run', () => {
  const scenario = smallScenario({ durationHours: 6 });
  const end = runEnd(scenario);
  const checkSums = (metrics: PolicyMetrics, offered: { total: number; byClass: Record<string, number> }) => {
    expect(sum(metrics.valueLost)).toBeCloseTo(offered.total - metrics.welfare, 6);
    for (const c of PRIORITY_CLASSES) {
      expect(sum(metrics.valueLostByClass[c])).toBeCloseTo(offered.byClass[c]! - metrics.welfareByClass[c], 6);
    }
    // What is lost outright (QoS steps) and what abrupt stops cost are parts of what the run lost at stops and steps.
    expect(metrics.valueLost.abruptStops + metrics.valueLost.qosSteps).toBeLessThanOrEqual(metrics.lostValue + 1e-9);
  };

  it('sums to offered value − welfare, in all and per class, for every kind of policy', () => {
    const workloads = generateWorkloads(scenario, syntheticLibrary(), reserve);
    const offered = offeredValue(workloads, end);
    for (const policy of [fifoPolicy(reserve), priceOnlyPolicy(reserve), parleyPolicy('parleyStatistical', statisticalModels(), scenario.seed)]) {
      const { metrics } = simulate(scenario, workloads, policy, options);
      checkSums(metrics, offered);
      expect(offered.total - metrics.welfare).toBeGreaterThan(0);
    }
  });

  it('books a bid that fits no node as given up after its maximum wait, or as waiting at the end', () => {
    // 64 cores fit none of the 8-core nodes.
    const huge = { cpu: { avg: 64, peak: 64 } };
    const gaveUp = constantWorkload('g', { maxWaitSeconds: 1800 });
    const waiting = constantWorkload('x', { maxWaitSeconds: 24 * 3600 });
    for (const w of [gaveUp, waiting]) w.profile = { ...w.profile, ...huge };
    const fits = constantWorkload('f', { runtimeSeconds: 1800 });
    const workloads = [gaveUp, waiting, fits];
    const { metrics } = simulate(scenario, workloads, fifoPolicy(reserve), options);
    checkSums(metrics, offeredValue(workloads, end));
    expect(metrics.valueLost.gaveUp).toBeCloseTo(offeredValueOf(gaveUp, end), 9);
    expect(metrics.valueLost.waitingAtEnd).toBeCloseTo(offeredValueOf(waiting, end), 9);
    // The one that fits starts at the first round, on arrival: nothing waited, only the host's speed and noise.
    expect(metrics.valueLost.waiting).toBe(0);
    expect(Math.abs(metrics.valueLost.slowdown)).toBeLessThan(0.5);
  });
});
