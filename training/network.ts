import { FEATURE_NAMES, OUTPUT_NAMES, RESOURCE_ORDER } from '../src/features/spec.js';
import { INTERFERENCE_FEATURE_NAMES, INTERFERENCE_QUANTILES } from '../src/features/interference.js';
import { tf } from '../src/model/backend.js';
import { HORIZON_SLOTS } from './dataset.js';

/** Hidden layer sizes of the utilization MLP: small enough to train on a month in minutes on two cores. */
const HIDDEN = [96, 48];

export function buildUtilizationModel(seed: number): tf.LayersModel {
  const model = tf.sequential();
  HIDDEN.forEach((units, i) =>
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

/** Label row per resource: weight, reference, realized p95 and p99, then HORIZON_SLOTS samples (ratios to scale). */
export const LABEL_STRIDE = 4 + HORIZON_SLOTS;

/**
 * Weight of the absolute error against the realized horizon p95/p99 next to the pinball term. Pinball alone
 * targets the per-sample quantile; the evaluation also scores |prediction − realized p95 of the hour|, and the
 * two differ for short, bursty hours. Calibration afterwards restores coverage.
 */
const REALIZED_QUANTILE_WEIGHT = 1;
export const LABEL_WIDTH = RESOURCE_ORDER.length * LABEL_STRIDE;

/**
 * Loss over a batch. yTrue per resource = [w, ref, s_1..s_H] (w: the example's scale over the mean training
 * scale, so the loss weighs absolute error like the evaluation does; ref: the reference feature the outputs are
 * residuals over, see OUTPUT_REFERENCE_FEATURE; s: realized samples of the horizon as ratios). ŷ = ref + output.
 * Per resource: w·|ŷ_mean − mean(s)| + w·mean_k ρ_0.95(s_k − ŷ_p95) + w·mean_k ρ_0.99(s_k − ŷ_p99), where
 * ρ_τ(u) = max(τu, (τ − 1)u) is the pinball loss, whose minimizer is the τ-quantile of the horizon's samples,
 * plus REALIZED_QUANTILE_WEIGHT · w · |ŷ_q − q_realized| for q = p95, p99.
 */
export function utilizationLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Tensor = tf.scalar(0);
    RESOURCE_ORDER.forEach((_, r) => {
      const base = r * LABEL_STRIDE;
      const w = yTrue.slice([0, base], [-1, 1]);
      const ref = yTrue.slice([0, base + 1], [-1, 1]);
      const realizedP95 = yTrue.slice([0, base + 2], [-1, 1]);
      const realizedP99 = yTrue.slice([0, base + 3], [-1, 1]);
      const s = yTrue.slice([0, base + 4], [-1, HORIZON_SLOTS]);
      const mean = tf.add(ref, yPred.slice([0, r * 3], [-1, 1]));
      const p95 = tf.add(ref, yPred.slice([0, r * 3 + 1], [-1, 1]));
      const p99 = tf.add(ref, yPred.slice([0, r * 3 + 2], [-1, 1]));
      const meanLoss = tf.abs(tf.sub(mean, tf.mean(s, 1, true)));
      const pin = (q: tf.Tensor, tau: number) => {
        const u = tf.sub(s, q);
        return tf.mean(tf.maximum(tf.mul(u, tau), tf.mul(u, tau - 1)), 1, true);
      };
      const realized = tf.mul(
        REALIZED_QUANTILE_WEIGHT,
        tf.add(tf.abs(tf.sub(p95, realizedP95)), tf.abs(tf.sub(p99, realizedP99))),
      );
      const perExample = tf.addN([meanLoss, pin(p95, 0.95), pin(p99, 0.99), realized]);
      total = tf.add(total, tf.mean(tf.mul(w, perExample)));
    });
    return total as tf.Scalar;
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
