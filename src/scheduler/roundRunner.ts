/**
 * Where a clearing round's engine call runs. The loop reads the snapshot and applies the plan on the main thread
 * either way; only `clearRound` moves. Inline runs it on the calling thread (tests, `PARLEY_ENGINE_WORKER=0`); the
 * worker runner (workerRoundRunner.ts) runs it in a worker thread so requests keep being served meanwhile. Both
 * predict on the calling thread through a PredictionCache (predictionCache.ts) and hand the engine the result.
 */
import type { Plan, Quote, Snapshot, WorkloadProfile } from '../market/types.js';
import type { PredictionModels } from '../service/context.js';
import type { MarketEngine, QuoteTerms } from './engine.js';
import { PredictionCache } from './predictionCache.js';
import { PrecomputedPredictor, predictQuote, predictRound } from './roundJob.js';

/** What a runner spent on one round, filled in when the caller passes it (the loop logs and exports these). */
export interface RunnerStats {
  /** Calling thread: the predictor's batched call on the round's inputs the prediction cache did not answer. */
  predictMs: number;
  /** Inputs the predictor ran on, and inputs answered by the prediction cache. */
  predicted: number;
  reused: number;
  /** Main thread: handing the job to the worker (postMessage serializes it by structured clone); 0 inline. */
  postMs: number;
  /** From the job handed over until the plan is back: the engine itself (in the worker, or inline). */
  engineMs: number;
}

export const emptyRunnerStats = (): RunnerStats => ({ predictMs: 0, predicted: 0, reused: 0, postMs: 0, engineMs: 0 });

export interface RoundRunner {
  /**
   * The plan of one round; `seed` seeds its RandomSource, so the same snapshot and seed give the same plan.
   * `stats`, when given, receives where the time went.
   */
  clearRound(snapshot: Snapshot, models: PredictionModels, seed: number, stats?: RunnerStats): Promise<Plan>;
  /**
   * A what-if quote for a bid on `snapshot` (src/market/quote.ts), computed where this runner computes rounds and
   * predicted through the same prediction cache. A quote runs a whole round: 147 ms at 20,000 running instances and
   * 2,000 pending bids (`bench engine`, quoteMs).
   */
  quote(snapshot: Snapshot, profile: WorkloadProfile, terms: QuoteTerms, models: PredictionModels, seed: number): Promise<Quote>;
  /** Releases the runner's resources (terminates a worker); a round in flight is rejected. */
  close(): Promise<void>;
}

/** Runs the prediction step of a round through `cache`, recording its time and counts in `stats`. */
export function timedPredictions(snapshot: Snapshot, models: PredictionModels, engine: MarketEngine, cache: PredictionCache, stats?: RunnerStats) {
  const started = performance.now();
  const result = predictRound(snapshot, models.predictor, engine.config, cache);
  if (stats) {
    stats.predictMs = performance.now() - started;
    stats.predicted = result.predicted;
    stats.reused = result.reused;
  }
  return result.predictions;
}

export function inlineRoundRunner(engine: MarketEngine, cache = new PredictionCache()): RoundRunner {
  return {
    clearRound: async (snapshot, models, seed, stats) => {
      const predictions = timedPredictions(snapshot, models, engine, cache, stats);
      const started = performance.now();
      const plan = engine.clearRound(snapshot, {
        predictor: new PrecomputedPredictor(models.predictor.version, predictions),
        interference: models.interference,
        random: engine.random(seed),
      });
      if (stats) stats.engineMs = performance.now() - started;
      return plan;
    },
    quote: async (snapshot, profile, terms, models, seed) => {
      const [first, ...later] = predictQuote(snapshot, profile, terms, models.predictor, engine.config, cache);
      return engine.quote(snapshot, profile, terms, {
        predictor: new PrecomputedPredictor(models.predictor.version, first!, ...later),
        interference: models.interference,
        random: engine.random(seed),
      });
    },
    close: async () => {},
  };
}
