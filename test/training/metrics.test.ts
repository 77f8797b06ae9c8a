import { describe, expect, it } from 'vitest';
import { buildDataset, TARGET_WIDTH } from '../../training/dataset.js';
import { scorePredictions } from '../../training/metrics.js';
import type { TraceInstance } from '../../src/traces/index.js';

const T0 = Date.UTC(2013, 6, 1);
async function* oneVm(): AsyncGenerator<TraceInstance> {
  // Two days; on day 2 CPU cycles 0..11 (× 0.1 cores) within every hour.
  const samples = Array.from({ length: 576 }, (_, i) => ({ at: T0 + i * 300_000, cpu: (i % 12) / 10, memory: 100, network: 1 }));
  yield { id: 'a', format: 'bitbrains', capacity: { cpu: 4, memory: 1024, network: null }, intervalSeconds: 300, samples, hasNetwork: true, hasMemory: true };
}

describe('scorePredictions', () => {
  it('computes MAE against the realized statistic, and coverage, pinball and slack over the horizon samples', async () => {
    const dataset = await buildDataset(oneVm());
    expect(dataset.size).toBe(24);
    const rows = Int32Array.from({ length: 24 }, (_, i) => i);
    const predictions = new Float64Array(24 * TARGET_WIDTH);
    for (let i = 0; i < 24; i++) predictions[i * TARGET_WIDTH + 1] = 1.0; // cpu_p95 = 1.0 core
    const m = scorePredictions(dataset, rows, predictions).cpu_p95!;
    // Realized p95 of 0.0..1.1 (type-7) = 1.0 + 0.45 × 0.1 = 1.045.
    expect(m.mae).toBeCloseTo(0.045, 7);
    expect(m.coverage).toBeCloseTo(11 / 12, 9);
    // Pinball at 0.95: the one sample above (1.1) costs 0.95 × 0.1; the 11 below cost 0.05 × (1 − v).
    const below = Array.from({ length: 11 }, (_, k) => 0.05 * (1 - k / 10)).reduce((a, b) => a + b, 0);
    // Horizon samples are stored as float32, hence 7 digits.
    expect(m.pinball).toBeCloseTo((0.95 * 0.1 + below) / 12, 7);
    expect(m.slack).toBeCloseTo(Array.from({ length: 11 }, (_, k) => 1 - k / 10).reduce((a, b) => a + b, 0) / 12, 7);
    // cpu_mean predicted 0 against a realized 0.55 of 4 cores: same quartile bucket (0–25 %).
    expect(scorePredictions(dataset, rows, predictions).cpu_mean!.bucketAccuracy).toBe(1);
  });
});
