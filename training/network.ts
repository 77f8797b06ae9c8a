import { FEATURE_NAMES, OUTPUT_HEADS, OUTPUT_NAMES, RESOURCE_ORDER } from '../src/features/spec.js';
import { INTERFERENCE_FEATURE_NAMES, INTERFERENCE_QUANTILES } from '../src/features/interference.js';
import { tf } from '../src/model/backend.js';
import { HORIZON_SLOTS } from './dataset.js';

/**
 * Hidden layer sizes of the utilization MLP. 256/128 beat 96/48 and 128/64 on the development split (memory p95 most:
 * docs/model-card.md) and still trains on the full month in minutes on two cores; 2,000 new bids infer in ~11 ms.
 */
export const HIDDEN = [256, 128];

export function buildUtilizationModel(seed: number, hidden: readonly number[] = HIDDEN): tf.LayersModel {
  const model = tf.sequential();
  hidden.forEach((units, i) =>
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed: seed + i }),
        ...(i === 0 ? { inputShape: [FEATURE_NAMES.length] } : {}),
      }),
    ),
  );
  model.add(tf.layers.dense({ units: OUTPUT_NAMES.length, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 99 }) }));
  return model;
}

/**
 * Label row layout, in blocks of one value per resource (RESOURCE_ORDER): weight, reference, realized p95, realized
 * p99, then HORIZON_SLOTS samples per resource (resource-major; ratios to scale). Blocked so the loss works on all
 * three resources at once.
 */
export const LABEL = { weight: 0, reference: 3, realizedP95: 6, realizedP99: 9, samples: 12 } as const;

/**
 * Weights of the loss terms. Pinball over the horizon's samples targets the per-sample quantile (coverage); the
 * evaluation also scores |prediction − realized p95 of the hour|, and the two differ for short, bursty hours.
 * Calibration afterwards restores coverage. Other mixes were tried on the development split (docs/model-card.md).
 */
export interface LossWeights {
  mean: number;
  samplePinball: number;
  realized: number;
  /**
   * λ of the coverage-aware p95 objective; 0 keeps the sample pinball on the p95 heads. When > 0, each p95 head is
   * fitted to what the evaluation scores instead: the absolute error against the hour's realized p95 (weighted like
   * every term) plus λ × a soft count of the hours whose realized p95 it misses, σ((realized − ŷ)/missTemperature),
   * *not* weighted by scale, because coverage counts samples whatever the VM's size. That is the Lagrangian of "least
   * absolute error subject to pooled coverage": its minimizer per example sits high where the hour's p95 is
   * predictable (covering it costs little) and nearer the median where it is not, instead of at the 0.95 quantile
   * everywhere. p99 heads keep the sample pinball. Chosen on the development split (docs/model-card.md,
   * "A coverage-aware p95 objective").
   */
  missPenalty: number;
  /** Temperature of the soft miss count, in ratio-to-scale units (smaller is closer to a step). */
  missTemperature: number;
}
export const DEFAULT_LOSS: LossWeights = { mean: 1, samplePinball: 1, realized: 1, missPenalty: 0, missTemperature: 0.005 };
export const LABEL_WIDTH = LABEL.samples + RESOURCE_ORDER.length * HORIZON_SLOTS;

/**
 * Loss over a batch, per example and resource r (w: the example's scale over the mean training scale, so the loss
 * weighs absolute error like the evaluation does; ref: the reference feature the outputs are residuals over, see
 * OUTPUT_REFERENCE_FEATURE; s: the horizon's realized samples as ratios; ŷ = ref + output):
 * w·(mean·|ŷ_mean − mean(s)| + samplePinball·(mean_k ρ_0.95(s_k − ŷ_p95) + mean_k ρ_0.99(s_k − ŷ_p99))
 * + realized·(|ŷ_p95 − q95| + |ŷ_p99 − q99|)), with q the realized p95/p99 of the hour, summed over resources and
 * averaged over the batch. ρ_τ(u) = max(τu, (τ − 1)u) is the pinball loss, whose minimizer is the τ-quantile of the
 * horizon's samples. With missPenalty λ > 0 the p95 sample pinball is replaced by λ·σ((q95 − ŷ_p95)/T) outside the
 * weight w (LossWeights.missPenalty). Computed for the three resources at once ([batch, 3] tensors).
 */
export function utilizationLoss(yTrue: tf.Tensor, yPred: tf.Tensor, weights: LossWeights = DEFAULT_LOSS): tf.Scalar {
  return tf.tidy(() => {
    const n = RESOURCE_ORDER.length;
    const block = (offset: number) => yTrue.slice([0, offset], [-1, n]);
    const w = block(LABEL.weight);
    const ref = block(LABEL.reference);
    const s = yTrue.slice([0, LABEL.samples], [-1, n * HORIZON_SLOTS]).reshape([-1, n, HORIZON_SLOTS]);
    const out = yPred.reshape([-1, n, OUTPUT_HEADS.length]);
    const head = (h: number) => tf.add(ref, out.slice([0, 0, h], [-1, n, 1]).reshape([-1, n]));
    const mean = head(0);
    const p95 = head(1);
    const p99 = head(2);
    const pin = (q: tf.Tensor, tau: number) => {
      const u = tf.sub(s, q.expandDims(2));
      return tf.mean(tf.maximum(tf.mul(u, tau), tf.mul(u, tau - 1)), 2);
    };
    const realizedLoss = (q: tf.Tensor, realized: tf.Tensor) => tf.abs(tf.sub(realized, q));
    const q95 = block(LABEL.realizedP95);
    const coverageAware = weights.missPenalty > 0;
    const samplePinball = coverageAware ? pin(p99, 0.99) : tf.add(pin(p95, 0.95), pin(p99, 0.99));
    const terms = [
      tf.mul(weights.mean, tf.abs(tf.sub(mean, tf.mean(s, 2)))),
      tf.mul(weights.samplePinball, samplePinball),
      tf.mul(weights.realized, tf.add(realizedLoss(p95, q95), realizedLoss(p99, block(LABEL.realizedP99)))),
    ];
    const weighted = tf.mean(tf.sum(tf.mul(w, tf.addN(terms)), 1));
    if (!coverageAware) return weighted as tf.Scalar;
    const misses = tf.sigmoid(tf.div(tf.sub(q95, p95), weights.missTemperature));
    return tf.add(weighted, tf.mul(weights.missPenalty, tf.mean(tf.sum(misses, 1)))) as tf.Scalar;
  });
}

/** Interference head: quantiles of slowdown − 1 (INTERFERENCE_QUANTILES) from INTERFERENCE_FEATURE_NAMES. */
export function buildInterferenceModel(seed: number): tf.LayersModel {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      units: 32,
      activation: 'relu',
      inputShape: [INTERFERENCE_FEATURE_NAMES.length],
      kernelInitializer: tf.initializers.heNormal({ seed }),
    }),
  );
  model.add(tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: seed + 1 }) }));
  model.add(
    tf.layers.dense({ units: INTERFERENCE_QUANTILES.length, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }),
  );
  return model;
}

/**
 * Σ over INTERFERENCE_QUANTILES of the mean pinball loss ρ_τ(y − q_τ): its minimizer is each quantile of y. yTrue
 * holds the observed slowdown − 1 once per output column (tfjs wants targets shaped like the outputs).
 */
export function interferenceLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const terms = INTERFERENCE_QUANTILES.map((tau, k) => {
      const u = tf.sub(yTrue.slice([0, k], [-1, 1]), yPred.slice([0, k], [-1, 1]));
      return tf.mean(tf.maximum(tf.mul(u, tau), tf.mul(u, tau - 1)));
    });
    return tf.addN(terms) as tf.Scalar;
  });
}
