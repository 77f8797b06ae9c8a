/**
 * Where a clearing round's engine call runs. The loop reads the snapshot and applies the plan on the main thread
 * either way; only `clearRound` moves. Inline runs it on the calling thread (tests, `PARLEY_ENGINE_WORKER=0`); the
 * worker runner (workerRoundRunner.ts) runs it in a worker thread so requests keep being served meanwhile.
 */
import type { Plan, Snapshot } from '../market/types.js';
import type { PredictionModels } from '../service/context.js';
import type { MarketEngine } from './engine.js';

/** What a runner spent on one round, filled in when the caller passes it (the loop logs and exports these). */
export interface RunnerTimings {
  /** Main thread: the predictor's batched call on the round's inputs (with feature extraction). */
  predictMs: number;
  /** Main thread: handing the job to the worker (postMessage serializes it by structured clone); 0 inline. */
  postMs: number;
  /** From the job handed over until the plan is back: the engine itself (in the worker, or inline). */
  engineMs: number;
}

export const emptyRunnerTimings = (): RunnerTimings => ({ predictMs: 0, postMs: 0, engineMs: 0 });

export interface RoundRunner {
  /**
   * The plan of one round; `seed` seeds its RandomSource, so the same snapshot and seed give the same plan.
   * `timings`, when given, receives where the time went.
   */
  clearRound(snapshot: Snapshot, models: PredictionModels, seed: number, timings?: RunnerTimings): Promise<Plan>;
  /** Releases the runner's resources (terminates a worker); a round in flight is rejected. */
  close(): Promise<void>;
}

export function inlineRoundRunner(engine: MarketEngine): RoundRunner {
  return {
    clearRound: async (snapshot, models, seed, timings) => {
      const started = performance.now();
      const plan = engine.clearRound(snapshot, {
        predictor: models.predictor,
        interference: models.interference,
        random: engine.random(seed),
      });
      // Inline, the predictor runs inside clearRound: its time is part of engineMs.
      if (timings) timings.engineMs = performance.now() - started;
      return plan;
    },
    close: async () => {},
  };
}
