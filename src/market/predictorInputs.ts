/**
 * What a clearing round asks its Predictor, as part of the engine's contract. `clearRound` calls
 * `deps.predictor.predict` exactly once, with `roundPredictorInputs(snapshot, config)`: first every instance still
 * active after this round's deadlines (in snapshot order), then every bid still live after expiry (in snapshot order,
 * with an empty history). A caller that must run the predictor elsewhere (the service computes learned predictions
 * on its main thread and clears the round in a worker thread) computes the same list with this function and hands
 * the engine a predictor that returns those predictions, so there is one definition of the round's inputs.
 */
import { resolveEngineConfig, type EngineConfig } from './config.js';
import { applyDeadlines, expireBids } from './lifecycle.js';
import type { BidOutcome, PendingBid, PredictorInput, RunningInstance, Snapshot, Termination } from './types.js';

export interface RoundInputs {
  terminations: Termination[];
  /** Instances still holding capacity this round; the first `active.length` predictor inputs. */
  active: RunningInstance[];
  /** Bids still live; the remaining predictor inputs. */
  live: PendingBid[];
  expired: BidOutcome[];
  inputs: PredictorInput[];
}

/** Stage 1 of a round (deadlines and expiry) and the batched predictor inputs that follow from it. */
export function roundInputs(snapshot: Snapshot, cfg: EngineConfig): RoundInputs {
  const { terminations, active } = applyDeadlines(snapshot.instances, snapshot.now);
  const { live, expired } = expireBids(snapshot.bids, snapshot.now, cfg.defaultMaxWaitSeconds);
  const inputs: PredictorInput[] = new Array(active.length + live.length);
  // A RunningInstance is a PredictorInput (it has `profile` and `history`), so it is passed as is: no copy per instance.
  for (let i = 0; i < active.length; i++) inputs[i] = active[i]!;
  for (let j = 0; j < live.length; j++) inputs[active.length + j] = { profile: live[j]!.profile, history: [] };
  return { terminations, active, live, expired, inputs };
}

/** The inputs `clearRound(snapshot, deps, config)` passes to its single `deps.predictor.predict` call. */
export function roundPredictorInputs(snapshot: Snapshot, config?: Partial<EngineConfig>): PredictorInput[] {
  return roundInputs(snapshot, resolveEngineConfig(config)).inputs;
}
