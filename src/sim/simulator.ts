/**
 * The discrete-event market simulator. Events are bid arrivals (at their own times) and clock ticks every
 * `stepSeconds`; at a tick the policy clears a round on a snapshot (exactly what a deployment would show the engine:
 * nodes, running instances with their feedback, pending bids, the ledger), the plan is applied, and then the cluster
 * runs for one step under the ground truth: true usage from the traces, true slowdown from groundTruth.ts, feedback
 * reported from both.
 *
 * Value accounting (welfare):
 * - batch work earns value × standalone-seconds of progress (slowdown and a slow host stretch the work, so it earns
 *   less per hour);
 *   that value is retained at each checkpoint (every `checkpointHours` of running), at completion, at the end of the
 *   run, and when the instance is stopped after at least its contract's notice (the client checkpoints during
 *   notice); an abrupt stop loses the work since the last checkpoint, which is redone on restart;
 * - latency-sensitive work runs for wall-clock time and earns value only in steps at slowdown ≤ `qosSlowdown`.
 * A stopped workload with work left is resubmitted at once as a new bid (same client, profile and price), carrying
 * its feedback history and interruption log, as a client's retry would.
 */
import { performance } from 'node:perf_hooks';
import type {
  FeedbackSample,
  LedgerEntry,
  PendingBid,
  Placement,
  Plan,
  Preemption,
  PreemptionNotice,
  RunningInstance,
  Snapshot,
  Termination,
} from '../market/types.js';
import { admissionTerms, noticeFor } from '../market/index.js';
import { buildCluster } from './cluster.js';
import { EventQueue, type TimedEvent } from './eventQueue.js';
import { defaultGroundTruth, evaluateNode, type GroundTruthConstants, type Tenant, type Usage } from './groundTruth.js';
import { emptyValueLost, MetricsRecorder, offeredValueOf, type PolicyMetrics, type ValueLost } from './metrics.js';
import type { Policy } from './policies/policy.js';
import { nodeObservations, type InterferenceObservation } from './interferenceFeedback.js';
import { hashNormal, stringKey } from './random.js';
import type { Scenario } from './scenario.js';
import { trueUsage, type Workload } from './workload.js';

/** Feedback samples kept per instance and shown to the engine: one day at the 5-minute step. */
export const HISTORY_SAMPLES = 288;
const DAY_MS = 86_400_000;
/** Slowdown floor: run-to-run noise can make a step faster than the reference, but not more than twice as fast. */
const MIN_SLOWDOWN = 0.5;

export interface SimulationOptions {
  /** The price a workload bids per instance-hour; truthful (its value) by default. */
  bidPrice?: (workload: Workload) => number;
  /** Per-instance-hour reserve price of a bid's profile (bids at or above it count for starvation). */
  reservePrice: (bid: PendingBid) => number;
  groundTruth?: GroundTruthConstants;
  /** Receives interference observations every `observeEverySteps` steps (for training the interference head). */
  observe?: (observations: InterferenceObservation[]) => void;
  observeEverySteps?: number;
}

/** Per-workload outcome, used by the truthfulness check. */
export interface WorkloadOutcome {
  value: number;
  paid: number;
  completed: boolean;
}

export interface SimulationResult {
  metrics: PolicyMetrics;
  outcomes: Map<string, WorkloadOutcome>;
}

interface WorkState {
  workload: Workload;
  remainingSeconds: number;
  interruptions: number[];
  history: FeedbackSample[];
  attempt: number;
  /** When the workload was last stopped, until it restarts (for the outage length check). */
  stoppedAt: number | null;
  outcome: WorkloadOutcome;
  /** Whether any attempt was placed, whether its last bid gave up, and the seconds its bids spent waiting. */
  started: boolean;
  gaveUp: boolean;
  waitedSeconds: number;
  /** Value lost at abrupt stops (work since the last checkpoint) and in latency-sensitive steps over the QoS slowdown. */
  lostAtStops: number;
  lostToQos: number;
}

interface LiveInstance {
  record: RunningInstance;
  work: WorkState;
  reservation: Usage;
  valueSinceCheckpoint: number;
  workSinceCheckpoint: number;
  runSinceCheckpoint: number;
}

type SimEvent = (TimedEvent<'arrival'> & { workload: Workload }) | (TimedEvent<'tick'> & { step: number });

/** Number of clock steps of a run: the scenario's hours in whole steps. */
export function runSteps(scenario: Pick<Scenario, 'durationHours' | 'stepSeconds'>): number {
  return Math.round((scenario.durationHours * 3600) / scenario.stepSeconds);
}

/** When a run's last step ends: what the run's welfare is counted up to. */
export function runEnd(scenario: Pick<Scenario, 'startAt' | 'durationHours' | 'stepSeconds'>): number {
  return scenario.startAt + runSteps(scenario) * scenario.stepSeconds * 1000;
}

export function simulate(scenario: Scenario, workloads: readonly Workload[], policy: Policy, options: SimulationOptions): SimulationResult {
  return new Simulation(scenario, workloads, policy, options).run();
}

class Simulation {
  private readonly cluster;
  private readonly constants: GroundTruthConstants;
  private readonly metrics = new MetricsRecorder();
  private readonly instances = new Map<string, LiveInstance>();
  private readonly pending = new Map<string, { bid: PendingBid; work: WorkState }>();
  private readonly works = new Map<string, WorkState>();
  private readonly ledger: LedgerEntry[] = [];
  private readonly stepMs: number;
  private readonly bidPrice: (w: Workload) => number;

  constructor(
    private readonly scenario: Scenario,
    private readonly workloads: readonly Workload[],
    private readonly policy: Policy,
    private readonly options: SimulationOptions,
  ) {
    this.constants = options.groundTruth ?? defaultGroundTruth;
    this.cluster = buildCluster(scenario, this.constants.hostToHostLogSd);
    this.stepMs = scenario.stepSeconds * 1000;
    this.bidPrice = options.bidPrice ?? ((w) => w.valuePerHour);
  }

  run(): SimulationResult {
    const queue = new EventQueue<SimEvent['kind'], SimEvent>();
    for (const workload of this.workloads) queue.push({ at: workload.submittedAt, kind: 'arrival', rank: 0, workload });
    const steps = runSteps(this.scenario);
    for (let step = 0; step < steps; step++) {
      queue.push({ at: this.scenario.startAt + step * this.stepMs, kind: 'tick', rank: 1, step });
    }
    for (let event = queue.pop(); event; event = queue.pop()) {
      if (event.kind === 'arrival') this.arrive(event.workload);
      else this.tick(event.at, event.step);
    }
    this.finish(runEnd(this.scenario));
    const outcomes = new Map<string, WorkloadOutcome>();
    for (const [id, work] of this.works) outcomes.set(id, work.outcome);
    return { metrics: this.metrics.summarize(this.policy.name, this.policy.predictor), outcomes };
  }

  private arrive(workload: Workload): void {
    const work: WorkState = {
      workload,
      remainingSeconds: workload.runtimeSeconds,
      interruptions: [],
      history: [],
      attempt: 0,
      stoppedAt: null,
      outcome: { value: 0, paid: 0, completed: false },
      started: false,
      gaveUp: false,
      waitedSeconds: 0,
      lostAtStops: 0,
      lostToQos: 0,
    };
    this.works.set(workload.id, work);
    this.metrics.submitted++;
    this.submit(work, workload.submittedAt);
  }

  private submit(work: WorkState, at: number): void {
    const w = work.workload;
    const id = work.attempt === 0 ? w.id : `${w.id}.${work.attempt}`;
    const bid: PendingBid = {
      id,
      clientId: w.clientId,
      profileId: w.id,
      profile: { ...w.profile, expectedRuntimeSeconds: Math.max(1, Math.round(work.remainingSeconds)) },
      price: this.bidPrice(w),
      priority: w.priority,
      count: 1,
      uninterruptible: w.contract.uninterruptible,
      ...(w.penalty ? { penalty: w.penalty } : {}),
      maxWaitSeconds: w.maxWaitSeconds,
      submittedAt: at,
    };
    this.pending.set(id, { bid, work });
  }

  private tick(now: number, step: number): void {
    const snapshot: Snapshot = {
      now,
      nodes: this.cluster.nodes,
      instances: [...this.instances.values()].map((l) => l.record),
      bids: [...this.pending.values()].map((p) => p.bid),
      ledger: this.ledger,
    };
    const started = performance.now();
    const plan = this.policy.decide(snapshot);
    this.metrics.decideMillis += performance.now() - started;
    this.metrics.rounds++;
    this.apply(plan, now);
    this.enforceDeadlines(now);
    this.runStep(now, step);
  }

  private apply(plan: Plan, now: number): void {
    for (const p of plan.preemptions) this.preempt(p, now);
    for (const t of plan.terminations) this.terminate(t, now);
    for (const p of plan.placements) this.place(p, now);
    for (const o of plan.outcomes) {
      if (o.outcome === 'deferred') continue;
      const entry = this.pending.get(o.bidId);
      if (!entry) continue;
      this.pending.delete(o.bidId);
      this.metrics.expired++;
      entry.work.gaveUp = true;
      this.noteWait(entry, now);
      if (entry.work.stoppedAt !== null && this.outageTooLong(entry.work, now)) this.metrics.outagesOverContract++;
    }
    for (const entry of plan.ledgerEntries) {
      this.ledger.push(entry);
      if (entry.kind === 'fee') this.metrics.feesPaid += entry.amount;
      else this.metrics.priorityReductions += entry.amount;
    }
  }

  private preempt(p: Preemption, now: number): void {
    const live = this.instances.get(p.instanceId);
    if (!live) throw new Error(`${this.policy.name}: plan preempts unknown instance ${p.instanceId}`);
    if (live.record.state === 'notified') return;
    const notice: PreemptionNotice = noticeFor(p, now);
    live.record = { ...live.record, state: 'notified', notice };
    this.recordInterruption(live, p.noticeSeconds, p.moveToNodeId === null, p.penalty?.fee ?? 0, now, p.reason);
  }

  /** Books one interruption (a notice or a move) against the metrics and the workload's contract. */
  private recordInterruption(
    live: LiveInstance,
    noticeSeconds: number,
    stops: boolean,
    fee: number,
    now: number,
    reason = 'terminated without notice',
  ): void {
    const w = live.work.workload;
    const contract = w.contract;
    live.work.interruptions.push(now);
    const noticeOk = noticeSeconds + 1e-9 >= contract.minNoticeSeconds;
    this.metrics.recordPreemption(w.priority, stops, noticeOk, reason);
    if (!noticeOk) this.metrics.violations.notice++;
    const lastDay = live.work.interruptions.filter((at) => at > now - DAY_MS).length;
    if (lastDay > contract.maxInterruptionsPerDay && !contract.uninterruptible) this.metrics.violations.dailyBudget++;
    if (contract.uninterruptible && stops && fee + 1e-9 < (w.penalty?.fee ?? 0)) this.metrics.violations.unpaidFee++;
  }

  private terminate(t: Termination, now: number): void {
    const live = this.instances.get(t.instanceId);
    if (!live) throw new Error(`${this.policy.name}: plan terminates unknown instance ${t.instanceId}`);
    if (!live.record.notice) {
      // Stopped without any notice: book it as a zero-notice preemption so the contract checks see it.
      this.recordInterruption(live, 0, t.kind === 'preempted', 0, now);
    }
    if (t.kind === 'moved') {
      const from = live.record.nodeId;
      const to = t.nodeId ?? live.record.notice?.moveToNodeId;
      if (!to) throw new Error(`${this.policy.name}: move of ${t.instanceId} has no destination`);
      live.record = {
        ...live.record,
        nodeId: to,
        state: 'running',
        notice: null,
        movedFrom: [...live.record.movedFrom, { nodeId: from, at: now }],
      };
      return;
    }
    this.stop(live, now);
  }

  /** Stops an instance at `now`: keeps or loses its unsaved work and resubmits what remains. */
  private stop(live: LiveInstance, now: number): void {
    const work = live.work;
    const notice = live.record.notice?.noticeGivenSeconds ?? 0;
    if (notice + 1e-9 >= work.workload.contract.minNoticeSeconds || work.workload.latencySensitive) {
      this.bank(live);
    } else {
      work.lostAtStops += live.valueSinceCheckpoint;
      work.remainingSeconds += live.workSinceCheckpoint;
      live.valueSinceCheckpoint = 0;
      live.workSinceCheckpoint = 0;
    }
    this.instances.delete(live.record.id);
    work.stoppedAt = now;
    if (work.remainingSeconds > 1e-6) {
      work.attempt++;
      this.submit(work, now);
    }
  }

  private bank(live: LiveInstance): void {
    this.metrics.bank(live.work.workload.priority, live.valueSinceCheckpoint);
    live.work.outcome.value += live.valueSinceCheckpoint;
    live.valueSinceCheckpoint = 0;
    live.workSinceCheckpoint = 0;
    live.runSinceCheckpoint = 0;
  }

  private place(p: Placement, now: number): void {
    const entry = this.pending.get(p.bidId);
    if (!entry) throw new Error(`${this.policy.name}: plan places unknown bid ${p.bidId}`);
    if (p.nodeIds.length !== 1) throw new Error(`${this.policy.name}: bid ${p.bidId} placed on ${p.nodeIds.length} nodes, expected 1`);
    this.pending.delete(p.bidId);
    const { bid, work } = entry;
    this.noteWait(entry, now);
    work.started = true;
    if (work.stoppedAt !== null) {
      if (this.outageTooLong(work, now)) this.metrics.outagesOverContract++;
      work.stoppedAt = null;
    }
    const prediction = p.predictions[0];
    const reservation = prediction
      ? { cpu: prediction.cpu.p95, memory: prediction.memory.p95, network: prediction.network.p95 }
      : { cpu: bid.profile.cpu.peak, memory: bid.profile.memory.peak, network: bid.profile.network.peak };
    this.instances.set(bid.id, {
      record: {
        id: bid.id,
        ...admissionTerms(bid, p),
        nodeId: p.nodeIds[0]!,
        profile: bid.profile,
        state: 'running',
        startedAt: now,
        interruptions: work.interruptions,
        movedFrom: [],
        history: work.history,
        notice: null,
      },
      work,
      reservation,
      valueSinceCheckpoint: 0,
      workSinceCheckpoint: 0,
      runSinceCheckpoint: 0,
    });
  }

  private outageTooLong(work: WorkState, now: number): boolean {
    return work.stoppedAt !== null && (now - work.stoppedAt) / 1000 > work.workload.contract.maxInterruptionSeconds;
  }

  /** A bid stops waiting (placed, given up, or the run ends): its wait counts for starvation and for its workload. */
  private noteWait({ bid, work }: { bid: PendingBid; work: WorkState }, now: number): void {
    const seconds = (now - bid.submittedAt) / 1000;
    work.waitedSeconds += seconds;
    if (bid.price + 1e-9 >= this.options.reservePrice(bid)) this.metrics.recordStarvation(seconds);
  }

  /** A policy that leaves a notified instance running a whole round past its deadline is stopped by the simulator. */
  private enforceDeadlines(now: number): void {
    for (const live of [...this.instances.values()]) {
      const notice = live.record.notice;
      if (notice && notice.deadline <= now - this.stepMs) {
        this.metrics.missedDeadlines++;
        this.stop(live, now);
      }
    }
  }

  private runStep(now: number, step: number): void {
    const dt = this.scenario.stepSeconds;
    const hours = dt / 3600;
    this.metrics.addCapacity(this.cluster.capacity, hours);
    const byNode = new Map<string, LiveInstance[]>();
    for (const live of this.instances.values()) {
      const list = byNode.get(live.record.nodeId) ?? [];
      list.push(live);
      byNode.set(live.record.nodeId, list);
    }
    const completed: LiveInstance[] = [];
    for (const [nodeId, lives] of byNode) {
      const node = this.cluster.truth.get(nodeId);
      if (!node) throw new Error(`${this.policy.name}: instance placed on unknown node ${nodeId}`);
      const tenants: Tenant[] = lives.map((l) => ({
        demand: trueUsage(l.work.workload, step),
        memoryIntensity: l.work.workload.memoryIntensity,
        noise: hashNormal(this.scenario.seed, stringKey(l.work.workload.id), step),
      }));
      const outcome = evaluateNode(node, tenants, this.constants);
      if (this.options.observe && step % (this.options.observeEverySteps ?? 1) === 0) {
        this.options.observe(nodeObservations(node, lives.map((l) => ({ history: l.work.history, profile: l.record.profile })), outcome.slowdowns));
      }
      if (outcome.overCapacity) this.metrics.overCapacityNodeHours += hours;
      lives.forEach((live, i) => {
        const slowdown = Math.max(MIN_SLOWDOWN, outcome.slowdowns[i]!);
        const consumed = outcome.consumed[i]!;
        if (this.advance(live, slowdown, node.hostFactor, consumed, now, hours)) completed.push(live);
      });
    }
    for (const live of completed) {
      this.bank(live);
      live.work.outcome.completed = true;
      this.metrics.completed++;
      this.instances.delete(live.record.id);
      this.policy.ended?.(live.record.id);
    }
  }

  /** Runs one instance for one step; returns true when its work is done. */
  private advance(live: LiveInstance, slowdown: number, hostFactor: number, consumed: Usage, now: number, hours: number): boolean {
    const work = live.work;
    const w = work.workload;
    const dt = this.scenario.stepSeconds;
    // Seconds of work this step could do (a slower host stretches batch work too), and the share of the step
    // actually used before the work ran out.
    const capacity = w.latencySensitive ? dt : dt / (slowdown * hostFactor);
    const done = Math.min(capacity, work.remainingSeconds);
    const used = capacity > 0 ? done / capacity : 0;
    work.remainingSeconds -= done;
    const violated = slowdown > this.scenario.qosSlowdown;
    if (w.latencySensitive) {
      const value = (w.valuePerHour * done) / 3600;
      if (violated) work.lostToQos += value;
      else live.valueSinceCheckpoint += value;
    } else {
      live.valueSinceCheckpoint += (w.valuePerHour * done) / 3600;
      live.workSinceCheckpoint += done;
    }
    const paid = live.record.price * hours * used;
    this.metrics.revenue += paid;
    work.outcome.paid += paid;
    if (violated) this.metrics.qosViolationHours += hours * used;
    this.metrics.addInstanceStep(w.priority, live.reservation, consumed, hours * used);
    const sample = { at: now + dt * 1000, cpu: consumed.cpu, memory: consumed.memory, network: consumed.network, slowdown };
    work.history.push(sample);
    if (work.history.length > HISTORY_SAMPLES) work.history.splice(0, work.history.length - HISTORY_SAMPLES);
    this.policy.feedback?.(live.record.id, sample);
    live.runSinceCheckpoint += dt;
    if (w.latencySensitive || live.runSinceCheckpoint >= this.scenario.checkpointHours * 3600) this.bank(live);
    return work.remainingSeconds <= 1e-6;
  }

  private finish(end: number): void {
    for (const live of this.instances.values()) this.bank(live);
    for (const entry of this.pending.values()) this.noteWait(entry, end);
    for (const work of this.works.values()) {
      this.metrics.lostValue += work.lostAtStops + work.lostToQos;
      this.metrics.recordValueLost(work.workload.priority, valueLostBy(work, end));
    }
  }
}

/**
 * Where the value a workload offered within the run (metrics.ts `offeredValueOf`) and did not earn went; the parts
 * sum to offered − earned. A workload that never ran lost all of it, waiting (given up, or still waiting at the end).
 * One that ran lost its latency-sensitive steps over the QoS slowdown outright; the rest of its gap is work it did
 * not get done by the end of the run. That is put down first to the work it redid after abrupt stops (up to the
 * value of that work: redone work that still finished in time cost nothing), then to waiting (up to the value of the
 * hours its bids waited), and the remainder to running slower than alone (slowdown and a slow host; negative when a
 * fast host or a quick step did more).
 */
export function valueLostBy(
  work: Pick<WorkState, 'workload' | 'outcome' | 'started' | 'gaveUp' | 'waitedSeconds' | 'lostAtStops' | 'lostToQos'>,
  endMs: number,
): ValueLost {
  const lost = emptyValueLost();
  const gap = offeredValueOf(work.workload, endMs) - work.outcome.value;
  if (!work.started) {
    if (work.gaveUp) lost.gaveUp = gap;
    else lost.waitingAtEnd = gap;
    return lost;
  }
  lost.qosSteps = work.lostToQos;
  const undone = gap - work.lostToQos;
  lost.abruptStops = Math.min(Math.max(0, undone), work.lostAtStops);
  lost.waiting = Math.min(Math.max(0, undone - lost.abruptStops), (work.workload.valuePerHour * work.waitedSeconds) / 3600);
  lost.slowdown = undone - lost.abruptStops - lost.waiting;
  return lost;
}
