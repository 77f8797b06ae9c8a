import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyNormalization,
  extractFeatureMatrix,
  FEATURE_NAMES,
  fitNormalization,
  featureRange,
  Normalizer,
  predictionScale,
} from '../../src/features/index.js';
import type { FeedbackSample } from '../../src/market/types.js';
import { profile } from '../model/fixture.js';

const T0 = Date.UTC(2013, 6, 10);
const history = (n: number, f: (i: number) => number): FeedbackSample[] =>
  Array.from({ length: n }, (_, i) => ({ at: T0 + i * 300_000, cpu: f(i), memory: 1000 + f(i), network: f(i) / 2 }));
const feature = (row: Float32Array, name: string) => row[FEATURE_NAMES.indexOf(name)]!;

describe('feature extraction', () => {
  it('writes one value per named feature', () => {
    const m = extractFeatureMatrix([{ profile: profile(), history: history(300, () => 1) }, { profile: profile(), history: [] }]);
    expect(m.length).toBe(2 * FEATURE_NAMES.length);
    expect(m.every(Number.isFinite)).toBe(true);
  });

  it('describes a new bid by its declaration (means = avg, tails = peak, over the scale: the declared avg)', () => {
    const p = profile();
    const row = extractFeatureMatrix([{ profile: p, history: [] }]);
    expect(feature(row, 'has_history')).toBe(0);
    expect(feature(row, 'cpu_last')).toBeCloseTo(1, 6);
    expect(feature(row, 'cpu_p95_24h')).toBeCloseTo(p.cpu.peak / p.cpu.avg, 6);
    expect(feature(row, 'cpu_declared_peak')).toBeCloseTo(Math.log(p.cpu.peak / p.cpu.avg), 6);
    expect(feature(row, 'memory_mean_24h')).toBeCloseTo(1, 6);
    expect(feature(row, 'memory_log_scale')).toBeCloseTo(Math.log(p.memory.avg), 6);
  });

  it('gives the same history features whatever peak a client declares: only declared_peak and the no-history tails differ', () => {
    const h = history(300, (i) => 0.5 + (i % 10) / 10);
    const provisioned = profile({ cpu: { avg: 1, peak: 16 } });
    const observed = profile({ cpu: { avg: 1, peak: 1.4 } });
    const a = extractFeatureMatrix([{ profile: provisioned, history: h }]);
    const b = extractFeatureMatrix([{ profile: observed, history: h }]);
    FEATURE_NAMES.forEach((name, j) => {
      if (name === 'cpu_declared_peak') expect(b[j]! - a[j]!).toBeCloseTo(Math.log(1.4 / 16), 5);
      else expect(b[j]).toBe(a[j]);
    });
  });

  it('computes window statistics from the last day only, relative to the declared scale', () => {
    // 2 days: the first at 0.5 cores, the second at 2 cores with a 1-hour spike to 4 at the end.
    const h = history(576, (i) => (i < 288 ? 0.5 : i >= 564 ? 4 : 2));
    const row = extractFeatureMatrix([{ profile: profile(), history: h }]);
    expect(feature(row, 'cpu_last')).toBeCloseTo(4, 6); // 4 cores / scale 1 (the declared avg)
    expect(feature(row, 'cpu_mean_1h')).toBeCloseTo(4, 6);
    expect(feature(row, 'cpu_max_24h')).toBeCloseTo(4, 6);
    expect(feature(row, 'cpu_mean_24h')).toBeCloseTo((276 * 2 + 12 * 4) / 288, 5);
    expect(feature(row, 'history_fraction')).toBeCloseTo(1, 2);
  });

  it('is invariant to the unit of a workload: scaling profile and history by k changes only log_scale', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 20, noNaN: true }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 300 }), (k, shape) => {
        const base = profile();
        const scaled = profile({
          cpu: { avg: base.cpu.avg * k, peak: base.cpu.peak * k },
          memory: { avg: base.memory.avg * k, peak: base.memory.peak * k },
          network: { avg: base.network.avg * k, peak: base.network.peak * k },
        });
        const h = shape.map((v, i) => ({ at: T0 + i * 300_000, cpu: v * 4, memory: v * 8192, network: v * 50 }));
        const hk = h.map((s) => ({ ...s, cpu: s.cpu * k, memory: s.memory * k, network: s.network * k }));
        const a = extractFeatureMatrix([{ profile: base, history: h }]);
        const b = extractFeatureMatrix([{ profile: scaled, history: hk }]);
        FEATURE_NAMES.forEach((name, j) => {
          if (name.endsWith('log_scale')) expect(b[j]! - a[j]!).toBeCloseTo(Math.log(k), 4);
          else expect(b[j]!).toBeCloseTo(a[j]!, 4);
        });
      }),
      { numRuns: 50 },
    );
  });

  it('floors the scale so a zero declaration does not divide by zero', () => {
    const s = predictionScale(profile({ network: { avg: 0, peak: 0 } }));
    expect(s.network).toBe(1);
  });
});

describe('normalization', () => {
  it('uses the saved training statistics, not the statistics of the batch it is applied to', () => {
    const train = Float32Array.from([1, 10, 3, 30]);
    const stats = fitNormalization(train, 2);
    expect(stats.mean).toEqual([2, 20]);
    expect(stats.std).toEqual([1, 10]);
    const serving = Float32Array.from([5, 50]);
    expect(Array.from(applyNormalization(serving, stats))).toEqual([3, 3]);
  });

  it('clamps a value outside the training range to it before standardizing, and leaves the training rows as they were', () => {
    const train = Float32Array.from([1, 10, 3, 30]);
    const stats = { ...fitNormalization(train, 2), ...featureRange(train, 2) };
    expect(stats.min).toEqual([1, 10]);
    expect(stats.max).toEqual([3, 30]);
    // 5 and -100 lie outside [1, 3] and [10, 30]: they read as 3 and 10.
    expect(Array.from(applyNormalization(Float32Array.from([5, -100, 2, 20]), stats))).toEqual([1, -1, 0, 0]);
    expect(Array.from(applyNormalization(Float32Array.from(train), stats))).toEqual(Array.from(applyNormalization(Float32Array.from(train), fitNormalization(train, 2))));
    const row = Float32Array.from([9, 9]);
    new Normalizer(stats).applyRange(row, 1, 2);
    expect(Array.from(row)).toEqual([9, -1]);
  });
});
