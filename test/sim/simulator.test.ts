import { describe, expect, it } from 'vitest';
import { StatisticalInterferenceModel } from '../../src/market/index.js';
import type { Plan, Predictor, Preemption, Snapshot } from '../../src/market/types.js';
import { P95_MISS_TARGET, stepSizes } from '../../src/model/onlineCalibration.js';
import { parleyPolicy } from '../../src/sim/policies/enginePolicies.js';
import { fifoPolicy } from '../../src/sim/policies/fifo.js';
import type { Policy } from '../../src/sim/policies/policy.js';
import { offeredValueOf, VALUE_LOST_PARTS } from '../../src/sim/metrics.js';
import { runEnd, simulate, type SimulationOptions } from '../../src/sim/simulator.js';
import { constantWorkload, smallScenario } from './scenarioFixture.js';

const reserve = { cpu: 0.005, memory: 0, network: 0 };
const options: SimulationOptions = { reservePrice: () => 0.005 };
const scenario = smallScenario({ durationHours: 4 });

const emptyPlan = (now: number): Plan => ({
  now,
  modelVersion: null,
  placements: [],
  predictions: [],
  outcomes: [],
  preemptions: [],
  terminations: [],
  ledgerEntries: [],
  clearingPrices: { ...reserve },
});

/** A scripted policy: places every bid on n0, and lets `interrupt` decide what to do with running instances. */
function scripted(interrupt: (s: Snapshot, plan: Plan) => void): Policy {
  return {
    name: 'fifo',
    predictor: 'scripted',
    decide(s) {
      const plan = emptyPlan(s.now);
      interrupt(s, plan);
      for (const bid of s.bids) {
        plan.placements.push({
          bidId: bid.id,
          nodeIds: ['n0'],
          price: 1,
          effectivePriority: 50,
          score: { total: 0, terms: [] },
          predictions: [],
          interferenceScores: [0],
        });
      }
      return plan;
    },
  };
}

const stopNow = (id: string, now: number, noticeSeconds: number, extra: Partial<Preemption> = {}): Preemption => ({
  instanceId: id,
  reason: 'capacity',
  preemptorId: null,
  noticeSeconds,
  deadline: now + noticeSeconds * 1000,
  penalty: null,
  moveToNodeId: null,
  score: { total: 0, terms: [] },
  ...extra,
});

/** A scripted policy that stops the first instance without notice once it has run `ms`, and only once. */
function abruptStopAfter(ms: number): Policy {
  let stopped = false;
  return scripted((s, plan) => {
    const victim = s.instances[0];
    if (!stopped && victim && s.now - victim.startedAt >= ms) {
      stopped = true;
      plan.preemptions.push(stopNow(victim.id, s.now, 0));
      plan.terminations.push({ instanceId: victim.id, kind: 'preempted', nodeId: null });
    }
  });
}

describe('simulate', () => {
  it('credits a completed batch workload exactly its value × standalone hours and charges it while it runs', () => {
    const w = constantWorkload('w', { submittedAt: scenario.startAt + 1 });
    const { metrics, outcomes } = simulate(scenario, [w], fifoPolicy(reserve), options);
    expect(metrics.completed).toBe(1);
    expect(metrics.welfare).toBeCloseTo(2 * 1, 9);
    expect(metrics.lostValue).toBe(0);
    expect(outcomes.get('w')).toMatchObject({ completed: true });
    // Slowdown and host speed stretch the run beyond its standalone hour, never below ~0.75 h.
    expect(metrics.instanceHours).toBeGreaterThan(0.75);
    expect(metrics.revenue).toBeCloseTo(metrics.instanceHours * (0.005 * 1), 9);
    expect(metrics.contractViolations).toBe(0);
    expect(metrics.qosViolationHours).toBe(0);
  });

  it('books an abrupt stop as a notice violation, loses the unsaved work and resubmits the workload', () => {
    const policy = abruptStopAfter(1_800_000);
    const w = constantWorkload('w', { submittedAt: scenario.startAt + 1 });
    const { metrics } = simulate(scenario, [w], policy, options);
    expect(metrics.contractViolationsByKind.notice).toBe(1);
    expect(metrics.noticeHonoured).toBe(0);
    expect(metrics.lostValue).toBeGreaterThan(0.5);
    expect(metrics.interruptionsByClass.normal.interruptions).toBe(1);
    // The half hour lost is redone after the restart, so the workload still completes with its full value.
    expect(metrics.completed).toBe(1);
    expect(metrics.welfare).toBeCloseTo(2, 9);
  });

  it('puts work redone after an abrupt stop that did not finish in time down to the stop', () => {
    const policy = abruptStopAfter(5_400_000);
    // 3.5 h of work in a 4 h run: after losing the half hour since its checkpoint at 1 h, it cannot finish.
    const w = constantWorkload('w', { submittedAt: scenario.startAt + 1, runtimeSeconds: 3.5 * 3600 });
    const { metrics } = simulate(scenario, [w], policy, options);
    const lost = metrics.valueLost;
    expect(metrics.completed).toBe(0);
    // The work left undone is less than the half hour redone (worth 1), so all of the gap goes to the stop.
    const gap = offeredValueOf(w, runEnd(scenario)) - metrics.welfare;
    expect(gap).toBeGreaterThan(0.05);
    expect(gap).toBeLessThan(metrics.lostValue);
    expect(lost.abruptStops).toBeCloseTo(gap, 9);
    expect(lost.waiting).toBe(0);
    expect(VALUE_LOST_PARTS.reduce((sum, part) => sum + lost[part], 0)).toBeCloseTo(gap, 9);
  });

  it('counts interruptions beyond the contract’s daily budget even when notice is honoured', () => {
    const policy = scripted((s, plan) => {
      for (const victim of s.instances) {
        if (victim.state === 'running' && s.now - victim.startedAt >= 600_000) {
          plan.preemptions.push(stopNow(victim.id, s.now, 120));
        }
        if (victim.notice && victim.notice.deadline <= s.now) {
          plan.terminations.push({ instanceId: victim.id, kind: 'preempted', nodeId: null });
        }
      }
    });
    const w = constantWorkload('w', { submittedAt: scenario.startAt + 1, runtimeSeconds: 4 * 3600 });
    const { metrics } = simulate(scenario, [w], policy, options);
    expect(metrics.contractViolationsByKind.notice).toBe(0);
    expect(metrics.preemptions).toBeGreaterThan(2);
    expect(metrics.contractViolationsByKind.dailyBudget).toBe(metrics.preemptions - 2);
  });

  it('flags the preemption of an uninterruptible instance without its fee', () => {
    const policy = scripted((s, plan) => {
      const victim = s.instances[0];
      if (victim && victim.state === 'running') plan.preemptions.push(stopNow(victim.id, s.now, 900));
      if (victim?.notice && victim.notice.deadline <= s.now) plan.terminations.push({ instanceId: victim.id, kind: 'preempted', nodeId: null });
    });
    const contract = { maxInterruptionsPerDay: 0, maxInterruptionSeconds: 0, minNoticeSeconds: 900, uninterruptible: true, feeHours: 5, priorityReduction: 0 };
    const w = constantWorkload('w', { submittedAt: scenario.startAt + 1, contract, penalty: { fee: 10, priorityReduction: 0 } });
    const { metrics } = simulate(scenario, [w], policy, options);
    expect(metrics.contractViolationsByKind.unpaidFee).toBeGreaterThan(0);
  });

  it('stops an instance a policy leaves running a whole round past its notice deadline', () => {
    const policy = scripted((s, plan) => {
      const victim = s.instances[0];
      if (victim && victim.state === 'running' && s.now - victim.startedAt >= 600_000) plan.preemptions.push(stopNow(victim.id, s.now, 120));
    });
    const w = constantWorkload('w', { submittedAt: scenario.startAt + 1, runtimeSeconds: 2 * 3600 });
    const { metrics } = simulate(scenario, [w], policy, options);
    expect(metrics.missedDeadlines).toBeGreaterThan(0);
  });

  it('throws on a plan that places a bid that does not exist', () => {
    const rogue: Policy = {
      name: 'fifo',
      predictor: 'rogue',
      decide: (s) => ({
        ...emptyPlan(s.now),
        placements: [{ bidId: 'ghost', nodeIds: ['n0'], price: 1, effectivePriority: 0, score: { total: 0, terms: [] }, predictions: [], interferenceScores: [] }],
      }),
    };
    expect(() => simulate(scenario, [], rogue, options)).toThrow(/unknown bid ghost/);
  });
});

describe('parley policy with online recalibration', () => {
  it('counts every feedback sample against the prediction in force and steps the correction once an hour', () => {
    // A "model" whose tails are far under any usage: every sample misses its p95.
    const tiny = { mean: 0.001, p95: 0.001, p99: 0.001 };
    const fake = (shift: readonly number[] | null): Predictor => ({
      version: 'fake',
      predict: (inputs) =>
        inputs.map(() => ({
          cpu: { ...tiny },
          memory: { ...tiny },
          network: { ...tiny },
          modelVersion: 'fake',
          modelTails: { cpu: { p95: 0.001 + (shift?.[1] ?? 0), p99: 0.001 }, memory: { p95: 0.001, p99: 0.001 }, network: { p95: 0.001, p99: 0.001 } },
        })),
    });
    const shifts: number[][] = [];
    const policy = parleyPolicy(
      'parley',
      {
        predictor: fake(null),
        interference: new StatisticalInterferenceModel(),
        online: {
          staticShift: new Array(9).fill(0),
          servingWith: (shift) => {
            shifts.push([...shift]);
            return fake(shift);
          },
        },
      },
      1,
    );
    expect(policy.predictor).toBe('fake, recalibrated online');
    const w = constantWorkload('w', { submittedAt: scenario.startAt + 1, runtimeSeconds: 3 * 3600 });
    const ended: string[] = [];
    const ends = policy.ended!;
    policy.ended = (id) => {
      ended.push(id);
      ends(id);
    };
    simulate(scenario, [w], policy, options);
    expect(ended).toEqual(['w']); // the completed instance's held prediction is let go
    // Rounds every 5 minutes for 4 hours: a step after each whole hour that saw samples, each by η · (1 − α).
    expect(shifts.length).toBeGreaterThanOrEqual(2);
    const eta = stepSizes(new Array(9).fill(0))[1]!;
    shifts.forEach((s, i) => expect(s[1]).toBeCloseTo((i + 1) * eta * (1 - P95_MISS_TARGET), 9));
    expect(shifts.every((s) => s[2] === 0 && s[0] === 0)).toBe(true);
  });
});
