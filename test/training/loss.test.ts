import { describe, expect, it } from 'vitest';
import { HORIZON_SLOTS } from '../../training/dataset.js';
import { DEFAULT_LOSS, LABEL, LABEL_WIDTH, utilizationLoss, type LossWeights } from '../../training/network.js';
import { initTfBackend, tf } from '../../src/model/backend.js';
import { mulberry32 } from '../../training/random.js';

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
      const per =
        weights.mean * Math.abs(mean - avg((x) => x)) +
        weights.samplePinball * (avg((x) => pinball(x - p95, 0.95)) + avg((x) => pinball(x - p99, 0.99))) +
        weights.realized * (realized(p95, row[LABEL.realizedP95 + r]!) + realized(p99, row[LABEL.realizedP99 + r]!));
      total += row[LABEL.weight + r]! * per;
    }
  }
  return total / batch;
}

describe('utilization loss', () => {
  it.each<[string, LossWeights]>([
    ['default', DEFAULT_LOSS],
    ['other weights', { mean: 0.5, samplePinball: 0.3, realized: 2 }],
  ])('matches its per-example definition (%s)', async (_, weights) => {
    await initTfBackend(() => {});
    const random = mulberry32(3);
    const batch = 37;
    const y = Float32Array.from({ length: batch * LABEL_WIDTH }, (_, j) => (j % LABEL_WIDTH < 3 ? 0.2 + random() : random() * 2 - 0.5));
    const p = Float32Array.from({ length: batch * 9 }, () => random() - 0.5);
    const loss = tf.tidy(() => utilizationLoss(tf.tensor2d(y, [batch, LABEL_WIDTH]), tf.tensor2d(p, [batch, 9]), weights).dataSync()[0]!);
    expect(loss).toBeCloseTo(referenceLoss(y, p, batch, weights), 5);
  });
});
