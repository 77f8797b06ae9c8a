/**
 * What a run measures, accumulated step by step by the simulator and summarized once at the end.
 *
 * - welfare: true value of retained work (see simulator.ts for when value is banked or lost), in all and per priority
 *   class; `offeredValue` is what the stream offers within the run, the scale to read welfare against, and
 *   `valueLost` splits offered − welfare by cause (simulator.ts `valueLostBy`);
 * - revenue: Σ price × hours run; fees: Σ penalty fees credited to clients (netRevenue = revenue − fees);
 * - utilization: time-averaged Σ reserved (the policy's own per-instance reservation) and Σ consumed (true usage,
 *   capped at capacity) over the cluster's capacity, per resource; `usedUtilization` is the CPU figure;
 * - QoS: instance-hours at true slowdown > the scenario's threshold, and node-hours with demand over capacity;
 * - interruptions (preemptions that stopped an instance) per instance-month (730 h) by priority class, bucketed
 *   like the AWS Spot Advisor; moves are counted apart;
 * - contracts: preemptions below the promised notice, beyond the per-day budget, or of an uninterruptible instance
 *   without its fee; notice honoured = share of preemptions given at least the promised notice;
 * - starvation: the longest wait (placement, give-up or end of run) of a bid priced at or above the reserve.
 */
import { PRIORITY_CLASSES, type PriorityClass, type Resource } from '../market/types.js';
import type { Workload } from './workload.js';

export const HOURS_PER_MONTH = 730;
export const SPOT_ADVISOR_BUCKETS = ['<5%', '5-10%', '10-15%', '15-20%', '>20%'] as const;
export type SpotAdvisorBucket = (typeof SPOT_ADVISOR_BUCKETS)[number];

/** AWS Spot Advisor bucket of an interruption frequency (interruptions per instance-month, 0.05 = 5%). */
export function spotAdvisorBucket(ratePerInstanceMonth: number): SpotAdvisorBucket {
  if (ratePerInstanceMonth < 0.05) return '<5%';
  if (ratePerInstanceMonth < 0.1) return '5-10%';
  if (ratePerInstanceMonth < 0.15) return '10-15%';
  if (ratePerInstanceMonth < 0.2) return '15-20%';
  return '>20%';
}

type PerResource = Record<Resource, number>;
const zeroResources = (): PerResource => ({ cpu: 0, memory: 0, network: 0 });
const perClass = <T>(make: (priority: PriorityClass) => T): Record<PriorityClass, T> =>
  ({ low: make('low'), normal: make('normal'), high: make('high'), critical: make('critical') });

export interface ClassInterruptions {
  interruptions: number;
  /** Interruptions (stops, not moves) per reason code. */
  byReason: Record<string, number>;
  moves: number;
  instanceHours: number;
  /** Interruptions per instance-month. */
  rate: number;
  bucket: SpotAdvisorBucket;
}

/**
 * The value of the work a stream offers within a run: per workload, its value per hour × the hours of standalone work
 * that fit between its arrival and the end of the run (min(runtime, end − arrival)). A policy that starts every
 * workload on arrival and never slows or stops it earns exactly this. It is not a strict ceiling: a host faster than
 * the reference (the simulator's per-node speed factor) or a step faster than alone (run-to-run noise) does a little
 * more work per hour, so a workload can earn slightly more than its share.
 */
export interface OfferedValue {
  total: number;
  byClass: Record<PriorityClass, number>;
}

/** One workload's share of the offered value: its value per hour × min(runtime, end − arrival). */
export function offeredValueOf(w: Workload, endMs: number): number {
  return (w.valuePerHour * Math.max(0, Math.min(w.runtimeSeconds, (endMs - w.submittedAt) / 1000))) / 3600;
}

export function offeredValue(workloads: readonly Workload[], endMs: number): OfferedValue {
  const byClass = perClass(() => 0);
  let total = 0;
  for (const w of workloads) {
    const value = offeredValueOf(w, endMs);
    byClass[w.priority] += value;
    total += value;
  }
  return { total, byClass };
}

/**
 * The offered value a policy did not earn, by where it went (simulator.ts `valueLostBy`); the parts sum to offered
 * value − welfare. Bids that never ran: `gaveUp` (waited their maxWait) and `waitingAtEnd`. Work that ran: `qosSteps`
 * (latency-sensitive steps over the QoS slowdown, lost outright), then the work left undone at the end, put down to
 * `abruptStops` (up to the value of the work redone after stops without their notice), `waiting` (up to the value of
 * the hours its bids waited) and `slowdown` (the rest: running slower than alone, on a slow host; negative when
 * faster), in that order.
 */
export interface ValueLost {
  gaveUp: number;
  waitingAtEnd: number;
  abruptStops: number;
  waiting: number;
  slowdown: number;
  qosSteps: number;
}

export const VALUE_LOST_PARTS = ['gaveUp', 'waitingAtEnd', 'abruptStops', 'waiting', 'slowdown', 'qosSteps'] as const satisfies readonly (keyof ValueLost)[];

export function emptyValueLost(): ValueLost {
  return { gaveUp: 0, waitingAtEnd: 0, abruptStops: 0, waiting: 0, slowdown: 0, qosSteps: 0 };
}

export interface PolicyMetrics {
  policy: string;
  predictor: string;
  welfare: number;
  /** Welfare by the workloads' priority class (sums to `welfare`). */
  welfareByClass: Record<PriorityClass, number>;
  /** Value lost to abrupt stops (work since the last checkpoint) and to QoS-violating hours of latency-sensitive work. */
  lostValue: number;
  /** The offered value not earned, by where it went, in all and per priority class (each sums to offered − welfare). */
  valueLost: ValueLost;
  valueLostByClass: Record<PriorityClass, ValueLost>;
  revenue: number;
  feesPaid: number;
  netRevenue: number;
  completed: number;
  submitted: number;
  expired: number;
  reservedUtilization: PerResource;
  usedUtilizationByResource: PerResource;
  usedUtilization: number;
  qosViolationHours: number;
  overCapacityNodeHours: number;
  instanceHours: number;
  interruptionsByClass: Record<PriorityClass, ClassInterruptions>;
  /** Interruptions per instance-month of critical and high work together. */
  highPriorityInterruptionRate: number;
  preemptions: number;
  /** Preemptions (notices and moves) per reason code, as the policy gave them. */
  preemptionsByReason: Record<string, number>;
  noticeHonoured: number;
  contractViolations: number;
  contractViolationsByKind: { notice: number; dailyBudget: number; unpaidFee: number };
  /** Interrupted work whose restart came later than the contract's maxInterruptionSeconds (outage length). */
  outagesOverContract: number;
  priorityReductions: number;
  starvationSeconds: number;
  /** Notified instances the policy left running past their deadline for a whole round (the simulator stopped them). */
  missedDeadlines: number;
  rounds: number;
  decideMillis: number;
}

export class MetricsRecorder {
  welfare = 0;
  lostValue = 0;
  revenue = 0;
  feesPaid = 0;
  completed = 0;
  submitted = 0;
  expired = 0;
  qosViolationHours = 0;
  overCapacityNodeHours = 0;
  instanceHours = 0;
  preemptions = 0;
  readonly preemptionsByReason: Record<string, number> = {};
  noticeHonouredCount = 0;
  violations = { notice: 0, dailyBudget: 0, unpaidFee: 0 };
  outagesOverContract = 0;
  priorityReductions = 0;
  starvationSeconds = 0;
  missedDeadlines = 0;
  rounds = 0;
  decideMillis = 0;
  private readonly reservedHours = zeroResources();
  private readonly usedHours = zeroResources();
  private capacityHours = zeroResources();
  private readonly classes = perClass(() => ({ interruptions: 0, byReason: {} as Record<string, number>, moves: 0, instanceHours: 0 }));
  private readonly welfareByClass = perClass(() => 0);
  private readonly valueLost = emptyValueLost();
  private readonly valueLostByClass = perClass(() => emptyValueLost());

  /** One workload's unearned value, at the end of the run. */
  recordValueLost(priority: PriorityClass, lost: ValueLost): void {
    for (const part of VALUE_LOST_PARTS) {
      this.valueLost[part] += lost[part];
      this.valueLostByClass[priority][part] += lost[part];
    }
  }

  /** Retained value of a workload of class `priority` (the only way welfare grows). */
  bank(priority: PriorityClass, value: number): void {
    this.welfare += value;
    this.welfareByClass[priority] += value;
  }

  addCapacity(capacity: PerResource, hours: number): void {
    for (const r of ['cpu', 'memory', 'network'] as const) this.capacityHours[r] += capacity[r] * hours;
  }

  addInstanceStep(priority: PriorityClass, reserved: PerResource, consumed: PerResource, hours: number): void {
    for (const r of ['cpu', 'memory', 'network'] as const) {
      this.reservedHours[r] += reserved[r] * hours;
      this.usedHours[r] += consumed[r] * hours;
    }
    this.instanceHours += hours;
    this.classes[priority].instanceHours += hours;
  }

  recordPreemption(priority: PriorityClass, stops: boolean, noticeOk: boolean, reason = 'unspecified'): void {
    this.preemptions++;
    this.preemptionsByReason[reason] = (this.preemptionsByReason[reason] ?? 0) + 1;
    if (noticeOk) this.noticeHonouredCount++;
    if (stops) {
      const k = this.classes[priority];
      k.interruptions++;
      k.byReason[reason] = (k.byReason[reason] ?? 0) + 1;
    } else this.classes[priority].moves++;
  }

  recordStarvation(waitSeconds: number): void {
    this.starvationSeconds = Math.max(this.starvationSeconds, waitSeconds);
  }

  summarize(policy: string, predictor: string): PolicyMetrics {
    const share = (r: Resource, hours: PerResource) => (this.capacityHours[r] > 0 ? hours[r] / this.capacityHours[r] : 0);
    const utilization = (hours: PerResource): PerResource => ({
      cpu: share('cpu', hours),
      memory: share('memory', hours),
      network: share('network', hours),
    });
    const interruptionsByClass = perClass<ClassInterruptions>(() => null as never);
    for (const c of PRIORITY_CLASSES) {
      const k = this.classes[c];
      const rate = k.instanceHours > 0 ? k.interruptions / (k.instanceHours / HOURS_PER_MONTH) : 0;
      interruptionsByClass[c] = { ...k, byReason: { ...k.byReason }, rate, bucket: spotAdvisorBucket(rate) };
    }
    const high = this.classes.high;
    const critical = this.classes.critical;
    const highHours = high.instanceHours + critical.instanceHours;
    const used = utilization(this.usedHours);
    const contractViolations = this.violations.notice + this.violations.dailyBudget + this.violations.unpaidFee;
    return {
      policy,
      predictor,
      welfare: this.welfare,
      welfareByClass: { ...this.welfareByClass },
      lostValue: this.lostValue,
      valueLost: { ...this.valueLost },
      valueLostByClass: perClass((c) => ({ ...this.valueLostByClass[c] })),
      revenue: this.revenue,
      feesPaid: this.feesPaid,
      netRevenue: this.revenue - this.feesPaid,
      completed: this.completed,
      submitted: this.submitted,
      expired: this.expired,
      reservedUtilization: utilization(this.reservedHours),
      usedUtilizationByResource: used,
      usedUtilization: used.cpu,
      qosViolationHours: this.qosViolationHours,
      overCapacityNodeHours: this.overCapacityNodeHours,
      instanceHours: this.instanceHours,
      interruptionsByClass,
      highPriorityInterruptionRate:
        highHours > 0 ? (high.interruptions + critical.interruptions) / (highHours / HOURS_PER_MONTH) : 0,
      preemptions: this.preemptions,
      preemptionsByReason: { ...this.preemptionsByReason },
      noticeHonoured: this.preemptions > 0 ? this.noticeHonouredCount / this.preemptions : 1,
      contractViolations,
      contractViolationsByKind: { ...this.violations },
      outagesOverContract: this.outagesOverContract,
      priorityReductions: this.priorityReductions,
      starvationSeconds: this.starvationSeconds,
      missedDeadlines: this.missedDeadlines,
      rounds: this.rounds,
      decideMillis: this.decideMillis,
    };
  }
}
