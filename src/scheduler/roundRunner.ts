/**
 * Where a clearing round's engine call runs. The loop reads the snapshot and applies the plan on the main thread
 * either way; only `clearRound` moves. Inline runs it on the calling thread (tests, `PARLEY_ENGINE_WORKER=0`); the
 * worker runner (workerRoundRunner.ts) runs it in a worker thread so requests keep being served meanwhile.
 */
import type { Plan, Snapshot } from '../market/types.js';
import type { PredictionModels } from '../service/context.js';
import type { MarketEngine } from './engine.js';

export interface RoundRunner {
  /** The plan of one round; `seed` seeds its RandomSource, so the same snapshot and seed give the same plan. */
  clearRound(snapshot: Snapshot, models: PredictionModels, seed: number): Promise<Plan>;
  /** Releases the runner's resources (terminates a worker); a round in flight is rejected. */
  close(): Promise<void>;
}

export function inlineRoundRunner(engine: MarketEngine): RoundRunner {
  return {
    clearRound: async (snapshot, models, seed) =>
      engine.clearRound(snapshot, { predictor: models.predictor, interference: models.interference, random: engine.random(seed) }),
    close: async () => {},
  };
}
