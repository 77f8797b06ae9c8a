/**
 * Runs each clearing round's `clearRound` in one long-lived worker thread (node:worker_threads), so the event loop
 * keeps serving requests while a round computes (tens to hundreds of ms with hundreds of pending bids). The main
 * thread still runs the predictor (see roundJob.ts) and, when the interference model cannot be sent as data, the
 * whole round, logging that once.
 *
 * A failed round (an engine error in the worker, or the worker dying) rejects that round's promise; the loop logs it
 * and retries at the next tick. A worker that died is replaced on the next round, never in a tight loop.
 *
 * The worker runs TypeScript with no build step: its entry is a tiny ESM script that registers tsx's loader in the
 * worker (`register()` from tsx/esm/api; `--import tsx` in execArgv does not apply to a worker's entry module on
 * Node 20) and then imports roundWorker.ts. This works under `tsx src/main.ts`, `node --import tsx` and vitest alike.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Plan, Quote, Snapshot, WorkloadProfile } from '../market/types.js';
import type { PredictionModels } from '../service/context.js';
import type { MarketEngine, QuoteTerms } from './engine.js';
import { PredictionCache } from './predictionCache.js';
import { interferenceData, JobEncoder, predictQuote, type InterferenceData } from './roundJob.js';
import { inlineRoundRunner, timedPredictions, type RoundRunner, type RunnerStats } from './roundRunner.js';
import type { RoundRequest, RoundResponse } from './roundWorker.js';

/** file: URL of tsx's ESM API, resolved through its package.json `exports` (import condition). */
function tsxEsmApiUrl(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const exports = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> })
    .exports;
  const entry = exports['./esm/api']?.import.default;
  if (!entry) throw new Error('tsx/package.json has no ./esm/api import export');
  return pathToFileURL(join(dirname(manifest), entry)).href;
}

function bootstrap(): string {
  const entry = new URL('./roundWorker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsxEsmApiUrl())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
}

interface Pending {
  resolve(result: Plan | Quote): void;
  reject(err: Error): void;
}

export class RoundWorkerError extends Error {
  override name = 'RoundWorkerError';
}

export class WorkerRoundRunner implements RoundRunner {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private warnedInline = false;
  private readonly inline: RoundRunner;
  private readonly predictionCache = new PredictionCache();
  /** What the current worker has been sent (roundJob.ts); reset when a worker is replaced or a round fails. */
  private readonly encoder = new JobEncoder();

  constructor(
    private readonly engine: MarketEngine,
    private readonly logger?: Logger,
  ) {
    this.inline = inlineRoundRunner(engine, this.predictionCache);
    // Start the worker now: loading tsx and the engine takes a few hundred ms, better spent before the first round.
    this.spawn();
  }

  async clearRound(snapshot: Snapshot, models: PredictionModels, seed: number, stats?: RunnerStats): Promise<Plan> {
    const interference = this.sendable(models);
    if (interference === null) return this.inline.clearRound(snapshot, models, seed, stats);
    const predictions = timedPredictions(snapshot, models, this.engine, this.predictionCache, stats);
    const posted = performance.now();
    const plan = this.post<Plan>((id) => ({ id, job: this.encoder.encode(snapshot, predictions, models, interference, seed) }));
    const handedOver = performance.now();
    if (stats) stats.postMs = handedOver - posted;
    try {
      return await plan;
    } finally {
      if (stats) stats.engineMs = performance.now() - handedOver;
    }
  }

  async quote(snapshot: Snapshot, profile: WorkloadProfile, terms: QuoteTerms, models: PredictionModels, seed: number): Promise<Quote> {
    const interference = this.sendable(models);
    if (interference === null) return this.inline.quote(snapshot, profile, terms, models, seed);
    const [first, ...later] = predictQuote(snapshot, profile, terms, models.predictor, this.engine.config, this.predictionCache);
    return this.post<Quote>((id) => ({
      id,
      job: this.encoder.encode(snapshot, first!, models, interference, seed, later),
      quote: { profile, terms },
    }));
  }

  /**
   * The interference model as data for the worker, or null when it cannot be sent (the caller then computes on this
   * thread; logged once). Refuses work once the runner is closed.
   */
  private sendable(models: PredictionModels): InterferenceData | null {
    if (this.closed) throw new RoundWorkerError('round runner is closed');
    const interference = interferenceData(models.interference);
    if (interference === null && !this.warnedInline) {
      this.warnedInline = true;
      this.logger?.warn(
        { interference: models.interference.constructor.name },
        'interference model cannot be sent to the round worker; clearing rounds and quotes run on the main thread',
      );
    }
    return interference;
  }

  /**
   * Posts one request to the worker (spawning one if there is none) and waits for its answer. Requests are encoded
   * and posted in one synchronous step, so the worker decodes them in the order the encoder produced them.
   */
  private async post<T extends Plan | Quote>(request: (id: number) => RoundRequest): Promise<T> {
    const worker = this.worker ?? this.spawn();
    const id = this.nextId++;
    const answer = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (result: Plan | Quote) => void, reject });
      try {
        worker.postMessage(request(id) satisfies RoundRequest);
      } catch (err) {
        this.pending.delete(id);
        reject(err as Error);
      }
    });
    try {
      return await answer;
    } catch (err) {
      // Whatever failed, the next job sends the whole snapshot again rather than trust what the worker holds.
      this.encoder.reset();
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    this.failAll(new RoundWorkerError('round runner closed'));
    if (worker) await worker.terminate();
  }

  private spawn(): Worker {
    this.encoder.reset();
    const worker = new Worker(bootstrap(), { eval: true, workerData: { engineConfig: this.engine.config } });
    worker.on('message', (response: RoundResponse) => {
      const pending = this.pending.get(response.id);
      if (!pending) return;
      this.pending.delete(response.id);
      if ('plan' in response) {
        pending.resolve(response.plan);
        return;
      }
      if ('quote' in response) {
        pending.resolve(response.quote);
        return;
      }
      const err = new RoundWorkerError(`${response.error.name}: ${response.error.message}`);
      if (response.error.stack) err.stack = response.error.stack;
      pending.reject(err);
    });
    // 'error' (an uncaught exception, e.g. the entry failing to load) is followed by 'exit'; either drops the worker.
    worker.on('error', (err) => {
      this.logger?.error({ err }, 'round worker failed');
      this.drop(worker, new RoundWorkerError(`round worker failed: ${err.message}`));
    });
    worker.on('exit', (code) => this.drop(worker, new RoundWorkerError(`round worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  /** Forgets a dead worker (the next round spawns a new one) and fails the rounds it held. */
  private drop(worker: Worker, err: Error): void {
    if (this.worker === worker) this.worker = null;
    this.failAll(err);
  }

  private failAll(err: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(err);
  }
}
