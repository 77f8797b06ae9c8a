import { describe, expect, it } from 'vitest';
import { observedUse } from '../../src/market/observed.js';
import { weightedSummary } from '../../src/market/weightedQuantiles.js';

const series = (xs: number[]) => xs.map((v, k) => ({ at: k * 1000, cpu: v, memory: 2 * v, network: 3 * v }));

describe('observedUse', () => {
  it('needs a full window', () => expect(observedUse(series([1, 2]), 3)).toBeNull());
  it.each([
    // nearest-rank p95 of the last `window` samples: rank ⌈0.95·n⌉
    [[9, 1, 2, 3, 4, 5, 6], 6, 6, 3.5],
    [Array.from({ length: 40 }, (_, i) => i + 1), 40, 38, 20.5],
    [Array.from({ length: 25 }, (_, i) => 25 - i), 25, 24, 13],
  ])('window of %#', (xs, window, p95, mean) => {
    const u = observedUse(series(xs), window)!;
    expect(u.p95.cpu).toBe(p95);
    expect(u.p95.network).toBe(3 * p95);
    expect(u.mean.cpu).toBeCloseTo(mean, 9);
  });
});

describe('weightedSummary', () => {
  it('weights shift the mean and quantiles toward heavy samples', () => {
    const out = { mean: 0, p95: 0, p99: 0, totalWeight: 0 };
    weightedSummary(Float64Array.from([5, 1, 3]), Float64Array.from([1, 1, 1]), 3, out);
    expect(out).toMatchObject({ mean: 3, p95: 5, p99: 5, totalWeight: 3 });
    weightedSummary(Float64Array.from([5, 1, 3]), Float64Array.from([0.01, 10, 10]), 3, out);
    expect(out.mean).toBeCloseTo((0.05 + 10 + 30) / 20.01, 9);
    expect(out.p95).toBe(3);
    expect(out.p99).toBe(3);
  });

  it.each([
    // values, weights, p95, p99 — checked against the ascending definition (smallest v with cumulative weight ≥ q·W)
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], Array(20).fill(1), 19, 20],
    [Array.from({ length: 100 }, (_, i) => i + 1), Array(100).fill(1), 95, 99],
    [[7], [1], 7, 7],
    [[4, 2, 9], [0, 0, 0], 2, 2],
    [[1, 100], [99, 1], 1, 1],
    [[1, 100], [98.5, 1.5], 1, 100],
    [[1, 100], [90, 10], 100, 100],
  ])('quantiles %#', (values, weights, p95, p99) => {
    const out = { mean: 0, p95: 0, p99: 0, totalWeight: 0 };
    weightedSummary(Float64Array.from(values), Float64Array.from(weights), values.length, out);
    expect([out.p95, out.p99]).toEqual([p95, p99]);
  });
});
