/**
 * The clearing loop: every `roundMs`, early when a bid arrives while the last round left capacity free, and early when
 * a client frees capacity, it reads a snapshot (completing first the instances whose declared runtime has elapsed,
 * when it holds any), runs the pure engine and applies the plan in one transaction. A
 * plan whose inputs changed in between (PlanConflict) is thrown away and recomputed from a fresh snapshot.
 * Rounds never overlap: a trigger during a round schedules exactly one more.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import type { InstancePrediction, Plan } from '../market/types.js';
import type { ModelRegistry } from '../model/registry.js';
import type { Clock, PredictionProvider, RoundTrigger } from '../service/context.js';
import type { Metrics } from '../service/metrics.js';
import type { CachedInstance, StatusCache } from '../service/statusCache.js';
import { applyPlan, PlanConflict } from './applyPlan.js';
import type { QuoteSnapshots } from './quoteSnapshots.js';
import { completeFinished, hasFinished } from './completeFinished.js';
import type { MarketEngine } from './engine.js';
import { emptyRunnerStats, inlineRoundRunner, type RoundRunner, type RunnerStats } from './roundRunner.js';
import { readSnapshotConsistent, type SnapshotOptions, type SnapshotRead } from './snapshot.js';
import { SnapshotCache } from './snapshotCache.js';

export interface LoopOptions {
  db: Db;
  clock: Clock;
  predictions: PredictionProvider;
  engine: MarketEngine;
  /** Where `clearRound` runs (a worker thread in the service); default inline on this thread with `engine`. */
  runner?: RoundRunner;
  roundMs: number;
  historySamples: number;
  logger: Logger;
  metrics?: Metrics;
  newId(prefix: string): string;
  /** Plans computed per round before giving up until the next tick (each conflict means someone else changed state). */
  maxAttempts?: number;
  /**
   * The status cache this loop keeps true (statusCache.ts): refreshed with every live instance each snapshot reads,
   * and told which instances each round completed or its plan changed, once that has committed.
   */
  statusCache?: StatusCache;
  /** The quotes' snapshot reader, offered this loop's snapshot cache after every applied round (quoteSnapshots.ts). */
  quoteSnapshots?: QuoteSnapshots;
  /**
   * Online recalibration of the active model (the ModelRegistry after `trackOnline`): stepped before each round, so
   * a new correction serves from that round on (src/model/onlineCalibration.ts).
   */
  recalibration?: Pick<ModelRegistry, 'stepOnline'>;
  /**
   * Least time between the starts of two rounds that bids trigger early (default 100 ms): a burst of bids then costs
   * at most 10 extra rounds a second, and each waits at most this long plus one round for a decision.
   */
  minEarlyRoundGapMs?: number;
}

/** Milliseconds each part of a round took (the last attempt's, plus `completeMs` and `totalMs` over all attempts). */
export interface RoundStats extends RunnerStats {
  /** Marking instances whose declared runtime has elapsed as completed (only in rounds whose snapshot holds any). */
  completeMs: number;
  /** Reading the snapshot (one repeatable-read transaction; two when instances were completed first). */
  snapshotMs: number;
  /** The plan transaction with its re-checks. */
  applyMs: number;
  totalMs: number;
}

/** The phases exported as `parley_round_phase_seconds{phase}`, each with the timing it reports. */
const ROUND_PHASES = {
  complete: 'completeMs',
  snapshot: 'snapshotMs',
  predict: 'predictMs',
  post: 'postMs',
  engine: 'engineMs',
  apply: 'applyMs',
} as const satisfies Record<string, keyof RoundStats>;

export interface RoundReport {
  plan: Plan | null;
  attempts: number;
  timings: RoundStats;
}

export class ClearingLoop implements RoundTrigger {
  private timer: NodeJS.Timeout | null = null;
  private earlyTimer: NodeJS.Timeout | null = null;
  private lastRoundStartedAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<unknown> | null = null;
  private again = false;
  private stopped = false;
  /** False when the last round deferred or rejected a bid for lack of capacity: new bids then wait for the tick. */
  private capacityFree = true;

  private readonly runner: RoundRunner;
  /** The deferral each still-pending bid records, as this process's last committed round wrote it (applyPlan). */
  private deferrals = new Map<string, string>();
  private readonly snapshotOptions: SnapshotOptions;

  constructor(private readonly options: LoopOptions) {
    this.runner = options.runner ?? inlineRoundRunner(options.engine);
    this.snapshotOptions = {
      historySamples: options.historySamples,
      ledgerHalfLifeSeconds: options.engine.config.priorityReductionHalfLifeSeconds,
      cache: new SnapshotCache(),
    };
  }

  start(): void {
    this.timer = setInterval(() => this.trigger(), this.options.roundMs);
  }

  bidArrived(): void {
    if (!this.capacityFree) return;
    this.early();
  }

  capacityFreed(): void {
    this.capacityFree = true;
    this.early();
  }

  /** An early round, at least `minEarlyRoundGapMs` after the start of the last one. */
  private early(): void {
    if (this.earlyTimer) return;
    const wait = this.lastRoundStartedAt + (this.options.minEarlyRoundGapMs ?? 100) - performance.now();
    if (wait <= 0) {
      this.trigger();
      return;
    }
    this.earlyTimer = setTimeout(() => {
      this.earlyTimer = null;
      this.trigger();
    }, wait);
  }

  /** Requests a round; coalesces with one already running. */
  trigger(): void {
    if (this.stopped) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = this.safeRound();
    void this.inFlight.finally(() => {
      this.inFlight = null;
      if (this.again) {
        this.again = false;
        this.trigger();
      }
    });
  }

  /** Runs one round now (after any round in flight) and reports what was applied. */
  async runRound(): Promise<RoundReport> {
    while (this.inFlight) await this.inFlight;
    const round = this.round();
    this.inFlight = round;
    try {
      return await round;
    } finally {
      this.inFlight = null;
    }
  }

  /** Stops the timer and waits for the round in flight, so nothing is cut off half-way (it is one transaction anyway). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.earlyTimer) clearTimeout(this.earlyTimer);
    this.timer = null;
    this.earlyTimer = null;
    while (this.inFlight) await this.inFlight;
  }

  private async safeRound(): Promise<void> {
    try {
      await this.round();
    } catch (err) {
      this.options.metrics?.rounds.inc({ result: 'error' });
      this.options.logger.error({ err }, 'clearing round failed');
    }
  }

  /** A failed save of the correction is logged and the round goes on: the correction in memory still serves. */
  private async stepRecalibration(now: number): Promise<void> {
    const { recalibration, logger } = this.options;
    if (!recalibration) return;
    try {
      const state = await recalibration.stepOnline(now);
      if (state) logger.info({ onlineShift: state.shift, steps: state.steps }, 'model quantile heads recalibrated online');
    } catch (err) {
      logger.warn({ err }, 'online recalibration could not be saved');
    }
  }

  private async round(): Promise<RoundReport> {
    const { db, clock, predictions, metrics, logger, statusCache } = this.options;
    const maxAttempts = this.options.maxAttempts ?? 5;
    const started = (this.lastRoundStartedAt = performance.now());
    const timings: RoundStats = { completeMs: 0, snapshotMs: 0, ...emptyRunnerStats(), applyMs: 0, totalMs: 0 };
    let report: RoundReport = { plan: null, attempts: maxAttempts, timings };
    try {
      await this.stepRecalibration(clock.now());
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const now = clock.now();
        const snapshot = async () => {
          const token = statusCache?.token() ?? 0;
          const readAt = statusCache?.now() ?? 0;
          const begun = performance.now();
          const read = await readSnapshotConsistent(db, now, this.snapshotOptions);
          timings.snapshotMs += performance.now() - begun;
          return { read, token, readAt };
        };
        timings.snapshotMs = 0;
        let snap = await snapshot();
        // Instances whose declared runtime has elapsed are completed before the engine sees them. The snapshot says
        // whether there are any (it holds every live instance with its start and profile), so the UPDATE runs only
        // then, followed by a fresh (incremental) snapshot without them.
        if (snap.read.snapshot.instances.some((i) => hasFinished(i, now))) {
          const begun = performance.now();
          const completed = await completeFinished(db, now); // outside `statusCache?.…()`, which skips its arguments
          statusCache?.invalidateAll(completed);
          timings.completeMs += performance.now() - begun;
          snap = await snapshot();
        }
        const { read } = snap;
        if (statusCache && read.historyRead) statusCache.refresh(statusRows(read), snap.token, snap.readAt);
        // The runner uses the models synchronously before it awaits (predictions are computed on this thread), so
        // `current()` without a lease is enough even when a model swap lands while the worker computes.
        const plan = await this.runner.clearRound(read.snapshot, predictions.current(), now % 2 ** 31, timings);
        const t = performance.now();
        let predicted: InstancePrediction[] = [];
        try {
          const applied = await db.transaction((tx) =>
            applyPlan(tx, read, plan, { newId: this.options.newId, attempts: attempt, deferrals: this.deferrals }),
          );
          this.deferrals = applied.deferrals;
          predicted = applied.predicted;
        } catch (err) {
          if (!(err instanceof PlanConflict)) throw err;
          metrics?.planConflicts.inc();
          logger.debug({ attempt, reason: err.message }, 'plan inputs changed; recomputing');
          continue;
        } finally {
          timings.applyMs = performance.now() - t;
        }
        // Instances the plan stopped, noticed, moved or re-predicted: their status changed. A row whose only change
        // was its prediction is known exactly (the prediction, version + 1), so the snapshot cache takes it in.
        const changed = new Set([...plan.terminations, ...plan.preemptions].map((c) => c.instanceId));
        statusCache?.invalidateAll([...changed, ...predicted.map((p) => p.instanceId)]);
        this.snapshotOptions.cache?.recordPredictions(predicted.filter((p) => !changed.has(p.instanceId)));
        if (this.snapshotOptions.cache) this.options.quoteSnapshots?.adopt(this.snapshotOptions.cache);
        this.capacityFree = !plan.outcomes.some((o) => o.reason === 'capacity');
        metrics?.rounds.inc({ result: 'applied' });
        metrics?.placements.inc(plan.placements.length);
        metrics?.preemptions.inc(plan.preemptions.length);
        report = { plan, attempts: attempt, timings };
        return report;
      }
      metrics?.rounds.inc({ result: 'conflicted' });
      logger.warn({ maxAttempts }, 'clearing round gave up after repeated conflicts; retrying next tick');
      return report;
    } finally {
      timings.totalMs = performance.now() - started;
      this.record(report);
    }
  }

  /** Exports the round's phase times and logs the round (info when it changed something, debug otherwise). */
  private record({ plan, attempts, timings }: RoundReport): void {
    const { metrics, logger } = this.options;
    if (metrics) {
      for (const [phase, key] of Object.entries(ROUND_PHASES)) metrics.roundPhase.labels(phase).observe(timings[key] / 1000);
      metrics.roundDuration.observe(timings.totalMs / 1000);
      metrics.roundPredictions.inc({ source: 'predicted' }, timings.predicted);
      metrics.roundPredictions.inc({ source: 'reused' }, timings.reused);
    }
    const rounded = Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v * 10) / 10]));
    const changes = plan ? plan.placements.length + plan.preemptions.length + plan.terminations.length : 0;
    const fields = {
      ...(plan
        ? {
            placements: plan.placements.length,
            preemptions: plan.preemptions.length,
            terminations: plan.terminations.length,
          }
        : {}),
      attempts,
      stats: rounded,
    };
    if (changes > 0) logger.info(fields, 'clearing round applied');
    else logger.debug(fields, plan ? 'clearing round applied' : 'clearing round without a plan');
  }
}

/** The status row made from a snapshot's instance row and history, reused while both stay the same objects. */
const statusRowOf = new WeakMap<object, { history: readonly unknown[] | null; status: CachedInstance }>();

/**
 * The snapshot's live instances as status rows (the latest sample is the last of the history read). An instance
 * unchanged since the last round keeps its status row object, and with it the JSON already built from it (views.ts).
 */
function* statusRows(read: SnapshotRead): Generator<CachedInstance> {
  for (const { row, profile, history } of read.live) {
    const known = statusRowOf.get(row);
    if (known && known.history === history) {
      yield known.status;
      continue;
    }
    const last = history && history.length > 0 ? history[history.length - 1]! : null;
    const status = { instance: row, profile, latest: last && { at: last.at, cpu: last.cpu, memory: last.memory, network: last.network } };
    statusRowOf.set(row, { history, status });
    yield status;
  }
}
