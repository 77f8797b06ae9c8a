/**
 * Replays a test split through online recalibration (src/model/onlineCalibration.ts) as a deployment would live
 * it: rows are predicted in time order with the shift of that moment, a row's horizon samples are revealed to the
 * tracker only once its horizon has ended, and the tracker steps on its own clock (once per horizon). Nothing about
 * a row is known before its horizon ends, so the replay scores the same predictions a service recalibrating from
 * its feedback would have made. The model and every calibrated baseline go through the same replay.
 */
import { HORIZON_MS, RESOURCE_ORDER } from '../src/features/spec.js';
import { combinedShift, OnlineCalibrator, TRACKED_HEADS, type OnlineCalibrationState } from '../src/model/onlineCalibration.js';
import { calibrateRatios } from '../src/model/utilization.js';
import { HORIZON_SLOTS, TARGET_WIDTH, type Dataset } from './dataset.js';

/** A predictor's uncalibrated outputs for a list of rows (rows × TARGET_WIDTH) and the reference they are residuals on. */
export interface RawRatios {
  ratios: ArrayLike<number>;
  /** Per row and resource; null for predictors that output levels (the baselines). */
  reference: Float32Array | null;
}

export interface OnlineReplay {
  /** Absolute predictions for `rows` (rows × TARGET_WIDTH, aligned with `rows`), each made with the shift of its time. */
  predictions: Float64Array;
  /** The tracker's state at the end of the split. */
  final: OnlineCalibrationState;
}

/** Replays `rows` (any order; replayed by anchor time) of a predictor with static calibration `staticShift`. */
export function replayOnline(dataset: Dataset, rows: Int32Array, raw: RawRatios, staticShift: readonly number[]): OnlineReplay {
  const calibrator = new OnlineCalibrator(staticShift);
  const out = new Float64Array(rows.length * TARGET_WIDTH);
  const order = Array.from(rows.keys()).sort((a, b) => dataset.at[rows[a]!]! - dataset.at[rows[b]!]! || a - b);
  // Rows predicted but not yet revealed, in order of horizon end (anchors are replayed in time order, so it is FIFO).
  const pending: number[] = [];
  let head = 0;
  const one = new Float64Array(TARGET_WIDTH);
  const reference = new Float32Array(RESOURCE_ORDER.length);
  for (const k of order) {
    const at = dataset.at[rows[k]!]!;
    while (head < pending.length && dataset.at[rows[pending[head]!]!]! + HORIZON_MS <= at) reveal(pending[head++]!);
    calibrator.step(at);
    const shift = combinedShift(staticShift, calibrator.shift);
    for (let j = 0; j < TARGET_WIDTH; j++) one[j] = raw.ratios[k * TARGET_WIDTH + j]!;
    if (raw.reference) for (let r = 0; r < RESOURCE_ORDER.length; r++) reference[r] = raw.reference[k * RESOURCE_ORDER.length + r]!;
    calibrateRatios(one, 1, shift, raw.reference ? reference : null);
    const row = rows[k]!;
    for (let j = 0; j < TARGET_WIDTH; j++) out[k * TARGET_WIDTH + j] = one[j]! * dataset.scales[row * 3 + Math.floor(j / 3)]!;
    pending.push(k);
  }
  return { predictions: out, final: calibrator.snapshot() };

  function reveal(k: number): void {
    const row = rows[k]!;
    const count = dataset.horizonCount[row]!;
    for (const { output, resource } of TRACKED_HEADS) {
      const predicted = out[k * TARGET_WIDTH + output]!;
      const base = row * 3 * HORIZON_SLOTS + resource * HORIZON_SLOTS;
      let missed = 0;
      for (let s = 0; s < count; s++) if (dataset.horizon[base + s]! > predicted) missed += 1;
      calibrator.observe(output, missed, count);
    }
  }
}
