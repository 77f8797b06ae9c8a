import { Normalizer } from '../features/normalize.js';
import { FEATURE_NAMES, OUTPUT_HEADS, OUTPUT_REFERENCE_FEATURE, RESOURCE_ORDER } from '../features/spec.js';
import type { Prediction, Quantiles, Resource } from '../market/types.js';
import { tf } from './backend.js';
import type { ModelManifest } from './manifest.js';

const WIDTH = FEATURE_NAMES.length;
const OUT = RESOURCE_ORDER.length * OUTPUT_HEADS.length;
/** Column of each resource's reference feature (see OUTPUT_REFERENCE_FEATURE). */
export const REFERENCE_COLUMNS = RESOURCE_ORDER.map((r) => FEATURE_NAMES.indexOf(`${r}_${OUTPUT_REFERENCE_FEATURE}`));

/**
 * The utilization network with its manifest: raw features in, calibrated ratios-to-scale out. Serving and
 * evaluation both go through `predictRatios`, so normalization and calibration are applied the same way.
 */
export class UtilizationNetwork {
  /** The manifest's normalization compiled once: every round's batch is normalized with it. */
  private readonly normalizer: Normalizer;

  constructor(
    readonly model: tf.LayersModel,
    readonly manifest: Pick<ModelManifest, 'normalization' | 'calibration'>,
  ) {
    this.normalizer = new Normalizer(manifest.normalization);
  }

  /**
   * `raw` is a row-major n × FEATURE_NAMES.length matrix (consumed: normalized in place). Returns n × 9 ratios,
   * per resource mean, p95, p99, each ≥ 0 with mean ≤ p95 ≤ p99, calibrated with `shift` (default: the manifest's).
   * One tfjs call for the whole batch.
   */
  predictRatios(raw: Float32Array, n: number, shift: readonly number[] = this.manifest.calibration): Float32Array {
    const { ratios, reference } = this.rawRatios(raw, n);
    calibrateRatios(ratios, n, shift, reference);
    return ratios;
  }

  /**
   * The network's outputs before calibration, with each row's reference values (what `calibrateRatios` adds them
   * to). `predictRatios` is this followed by `calibrateRatios` with the manifest's shifts (or the online-corrected
   * ones, src/model/onlineCalibration.ts); the evaluation's online replay calls it once and calibrates per hour.
   */
  rawRatios(raw: Float32Array, n: number): { ratios: Float32Array; reference: Float32Array } {
    if (raw.length !== n * WIDTH) throw new RangeError(`expected ${n}×${WIDTH} features, got ${raw.length} values`);
    const reference = new Float32Array(n * RESOURCE_ORDER.length);
    if (n === 0) return { ratios: new Float32Array(0), reference };
    for (let i = 0; i < n; i++) {
      REFERENCE_COLUMNS.forEach((column, r) => (reference[i * RESOURCE_ORDER.length + r] = raw[i * WIDTH + column]!));
    }
    this.normalizer.apply(raw);
    // The typed array is copied out inside tidy rather than returned from it: tidy walks a returned value looking
    // for tensors, element by element, which cost more than the inference itself on a 2,000-row batch.
    let ratios = new Float32Array(0);
    tf.tidy(() => {
      const x = tf.tensor2d(raw, [n, WIDTH]);
      ratios = Float32Array.from((this.model.predict(x, { batchSize: n }) as tf.Tensor).dataSync());
    });
    return { ratios, reference };
  }

  dispose(): void {
    this.model.dispose();
  }
}

/**
 * Applies a calibration to n × 9 ratio predictions in place: per resource, value = reference + raw + shift (the
 * reference is the residual base of the network's outputs; none for predictors that output levels, e.g. baselines),
 * then 0 ≤ mean ≤ p95 ≤ p99. The one definition of "calibrated prediction", used by serving, by evaluation and by the
 * calibrated baselines.
 */
export function calibrateRatios(
  ratios: { [index: number]: number; length: number },
  n: number,
  shift: readonly number[],
  reference: Float32Array | null = null,
): void {
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < RESOURCE_ORDER.length; r++) {
      const o = i * OUT + r * 3;
      const base = reference ? reference[i * RESOURCE_ORDER.length + r]! : 0;
      const m = Math.max(0, base + ratios[o]! + shift[r * 3]!);
      const p95 = Math.max(m, base + ratios[o + 1]! + shift[r * 3 + 1]!);
      ratios[o] = m;
      ratios[o + 1] = p95;
      ratios[o + 2] = Math.max(p95, base + ratios[o + 2]! + shift[r * 3 + 2]!);
    }
  }
}

/** Ratios (n × 9) times each input's scale → predictions in absolute units. */
export function ratiosToPredictions(
  ratios: Float32Array,
  scales: readonly Record<Resource, number>[],
  modelVersion: string | null,
): Prediction[] {
  const predictions = new Array<Prediction>(scales.length);
  for (let i = 0; i < scales.length; i++) {
    const scale = scales[i]!;
    const o = i * OUT;
    predictions[i] = {
      cpu: quantiles(ratios, o, scale.cpu),
      memory: quantiles(ratios, o + 3, scale.memory),
      network: quantiles(ratios, o + 6, scale.network),
      modelVersion,
    };
  }
  return predictions;
}

function quantiles(ratios: Float32Array, o: number, scale: number): Quantiles {
  return { mean: ratios[o]! * scale, p95: ratios[o + 1]! * scale, p99: ratios[o + 2]! * scale };
}
