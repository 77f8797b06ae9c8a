import { describe, expect, it } from 'vitest';
import { HORIZON_SLOTS } from '../../training/dataset.js';
import { DEFAULT_LOSS, LABEL, LABEL_WIDTH, utilizationLoss, type LossWeights } from '../../training/network.js';
import { initTfBackend, tf } from '../../src/model/backend.js';
import { mulberry32 } from '../../training/random.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The loss written out per example and resource in plain JS: the definition the tensor code must match. */
function referenceLoss(y: Float32Array, p: Float32Array, batch: number, weights: LossWeights): number {
  const pinball = (u: number, tau: number) => Math.max(tau * u, (tau - 1) * u);
  let total = 0;
  for (let i = 0; i < batch; i++) {
    const row = y.subarray(i * LABEL_WIDTH, (i + 1) * LABEL_WIDTH);
    for (let r = 0; r < 3; r++) {
      const ref = row[LABEL.reference + r]!;
      const [mean, p95, p99] = [0, 1, 2].map((h) => ref + p[i * 9 + r * 3 + h]!) as [number, number, number];
      const s = Array.from(row.subarray(LABEL.samples + r * HORIZON_SLOTS, LABEL.samples + (r + 1) * HORIZON_SLOTS));
      const avg = (f: (x: number) => number) => s.reduce((a, x) => a + f(x), 0) / s.length;
      const realized = (q: number, actual: number) => Math.abs(actual - q);
      const coverageAware = weights.missPenalty > 0;
      const p95Pinball = coverageAware ? 0 : avg((x) => pinball(x - p95, 0.95));
      const per =
        weights.mean * Math.abs(mean - avg((x) => x)) +
        weights.samplePinball * (p95Pinball + avg((x) => pinball(x - p99, 0.99))) +
        weights.realized * (realized(p95, row[LABEL.realizedP95 + r]!) + realized(p99, row[LABEL.realizedP99 + r]!));
      total += row[LABEL.weight + r]! * per;
      // The soft miss count is not weighted by the example's scale: coverage counts samples whatever the VM's size.
      if (coverageAware) total += weights.missPenalty * sigmoid((row[LABEL.realizedP95 + r]! - p95) / weights.missTemperature);
    }
  }
  return total / batch;
}

describe('utilization loss', () => {
  it.each<[string, LossWeights]>([
    ['default', DEFAULT_LOSS],
    ['other weights', { ...DEFAULT_LOSS, mean: 0.5, samplePinball: 0.3, realized: 2 }],
    ['coverage-aware p95', { ...DEFAULT_LOSS, missPenalty: 0.5, missTemperature: 0.2 }],
    ['coverage-aware p95, other weights', { mean: 0.5, samplePinball: 0.3, realized: 2, missPenalty: 3, missTemperature: 0.05 }],
  ])('matches its per-example definition (%s)', async (_, weights) => {
    await initTfBackend(() => {});
    const random = mulberry32(3);
    const batch = 37;
    const y = Float32Array.from({ length: batch * LABEL_WIDTH }, (_, j) => (j % LABEL_WIDTH < 3 ? 0.2 + random() : random() * 2 - 0.5));
    const p = Float32Array.from({ length: batch * 9 }, () => random() - 0.5);
    const loss = tf.tidy(() => utilizationLoss(tf.tensor2d(y, [batch, LABEL_WIDTH]), tf.tensor2d(p, [batch, 9]), weights).dataSync()[0]!);
    expect(loss).toBeCloseTo(referenceLoss(y, p, batch, weights), 5);
  });

  it('with a miss penalty, covers predictable hours and leaves unpredictable ones near their median', async () => {
    // One p95 output per group of examples, fitted by gradient descent. A "steady" group's realized p95 is 0.9, 1.0
    // or 1.1; a "bursty" group's is 0 in 80 % of hours and 4 in 20 %. Absolute error alone puts both at their median
    // (1.0 and 0), leaving a third of the steady hours uncovered. The coverage-aware objective (λ = 0.5) covers every
    // steady hour (about 1.1: a miss costs λ, covering it 0.1) but still not the bursty ones (covering them costs
    // 0.8 × 4 of absolute error, missing them 0.2 × (4 + λ)), where the sample pinball's 0.95 quantile would sit at 4.
    await initTfBackend(() => {});
    const label = (realizedP95: number) => {
      const row = new Float32Array(LABEL_WIDTH);
      for (let r = 0; r < 3; r++) {
        row[LABEL.weight + r] = r === 0 ? 1 : 0;
        row[LABEL.realizedP95 + r] = realizedP95;
      }
      return row;
    };
    const fit = (values: number[], missPenalty: number) => {
      const weights: LossWeights = { mean: 0, samplePinball: 0, realized: 1, missPenalty, missTemperature: 0.01 };
      const n = values.length;
      const y = tf.tensor2d(Float32Array.from(values.flatMap((v) => Array.from(label(v)))), [n, LABEL_WIDTH]);
      const q = tf.variable(tf.scalar(2));
      const optimizer = tf.train.adam(0.01);
      for (let step = 0; step < 800; step++) {
        optimizer.minimize(() => {
          // Outputs per resource: mean, p95, p99; only the CPU p95 (column 1) is fitted.
          const outputs = tf.concat([tf.zeros([n, 1]), tf.mul(tf.ones([n, 1]), q), tf.zeros([n, 7])], 1);
          return utilizationLoss(y, outputs, weights);
        });
      }
      const fitted = q.dataSync()[0]!;
      tf.dispose([y, q]);
      optimizer.dispose();
      return fitted;
    };
    const steadyHours = Array.from({ length: 60 }, (_, i) => [0.9, 1, 1.1][i % 3]!);
    const burstyHours = Array.from({ length: 50 }, (_, i) => (i % 5 === 0 ? 4 : 0));
    const steady = fit(steadyHours, 0.5);
    expect(steady).toBeGreaterThanOrEqual(1.1);
    expect(steady).toBeLessThan(1.25);
    expect(fit(burstyHours, 0.5)).toBeLessThan(0.2);
    // Without the penalty the steady group sits at its median and misses its 1.1 hours.
    expect(fit(steadyHours, 0)).toBeLessThan(1.05);
  });
});
