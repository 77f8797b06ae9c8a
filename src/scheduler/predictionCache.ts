/**
 * Predictions of earlier rounds, reused for inputs that have not changed, so a round runs the predictor (feature
 * extraction and, for a learned model, tfjs) only on what is new: instances whose history changed, and profiles not
 * seen before.
 *
 * Why reuse is exact: a Predictor is a deterministic function of each input alone (`Predictor` in
 * src/market/types.ts: synchronous and deterministic). Both the statistical predictor and the learned one compute an
 * input's prediction from its profile and history only (src/market/predictor.ts, src/model/predictor.ts and the
 * shared features in src/features, whose time features are relative to the input's own last sample, never to a
 * clock). So a prediction stays valid while the predictor object, the profile and the history are the same. The
 * snapshot cache (snapshotCache.ts) hands out the same profile and history objects while their rows are unchanged,
 * so "the same" is checked by identity; any other caller gets fresh objects and therefore fresh predictions.
 * An input with an empty history (a pending bid, or an instance without feedback yet) is its profile alone, so it is
 * keyed by the profile object: bids of one profile share one prediction.
 *
 * Entries live in WeakMaps keyed by those objects, so they go when the snapshot cache lets go of an instance or bid.
 * Cached predictions are frozen: the engine must not change them (it does not; freezing makes sure).
 */
import type { FeedbackSample, Prediction, Predictor, PredictorInput, WorkloadProfile } from '../market/types.js';
import { deepFreeze } from './snapshotCache.js';

interface Entry {
  predictor: Predictor;
  profile: WorkloadProfile;
  prediction: Prediction;
}

export interface RoundPredictions {
  predictions: Prediction[];
  /** Inputs the predictor ran on. */
  predicted: number;
  /** Inputs answered from earlier rounds, or by another input of this round with the same profile and no history. */
  reused: number;
}

export class PredictionCache {
  private readonly byHistory = new WeakMap<readonly FeedbackSample[], Entry>();
  private readonly byProfile = new WeakMap<WorkloadProfile, Entry>();

  /** The predictions for `inputs`, in order; the predictor is called at most once, on the inputs it must see. */
  predict(predictor: Predictor, inputs: readonly PredictorInput[]): RoundPredictions {
    const predictions = new Array<Prediction>(inputs.length);
    // Inputs to predict, each with the slots its prediction answers (several for one profile without history).
    const todo: { input: PredictorInput; slots: number[] }[] = [];
    const todoByProfile = new Map<WorkloadProfile, number[]>();
    inputs.forEach((input, i) => {
      const empty = input.history.length === 0;
      const entry = empty ? this.byProfile.get(input.profile) : this.byHistory.get(input.history);
      if (entry && entry.predictor === predictor && entry.profile === input.profile) {
        predictions[i] = entry.prediction;
        return;
      }
      if (empty) {
        const slots = todoByProfile.get(input.profile);
        if (slots) return void slots.push(i);
        todoByProfile.set(input.profile, [i]);
        todo.push({ input, slots: todoByProfile.get(input.profile)! });
      } else {
        todo.push({ input, slots: [i] });
      }
    });
    if (todo.length > 0) {
      const computed = predictor.predict(todo.map((t) => t.input));
      if (computed.length !== todo.length) {
        throw new Error(`predictor returned ${computed.length} predictions for ${todo.length} inputs`);
      }
      todo.forEach(({ input, slots }, k) => {
        const entry = { predictor, profile: input.profile, prediction: deepFreeze(computed[k]!) };
        if (input.history.length === 0) this.byProfile.set(input.profile, entry);
        else this.byHistory.set(input.history, entry);
        for (const slot of slots) predictions[slot] = entry.prediction;
      });
    }
    return { predictions, predicted: todo.length, reused: inputs.length - todo.length };
  }
}
