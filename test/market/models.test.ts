import { describe, expect, it } from 'vitest';
import { StatisticalInterferenceModel, StatisticalPredictor, normalCdf, normalQuantile, seededRandom } from '../../src/market/index.js';
import { burstMixture } from '../../src/market/burst.js';
import { demandMoments } from '../../src/market/moments.js';
import { NOW, node, profile } from './builders.js';

describe('normal helpers', () => {
  it.each([
    [0.5, 0],
    [0.99, 2.3263478740408408],
    [0.95, 1.6448536269514722],
    [0.01, -2.3263478740408408],
  ])('Φ⁻¹(%f) = %f', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 6);
    expect(normalCdf(z)).toBeCloseTo(p, 6);
  });
  it('rejects p outside (0, 1)', () => expect(() => normalQuantile(1)).toThrow(RangeError));
});

describe('burstMixture', () => {
  it('without bursts: mean avg, σ from the declared peak as p99', () => {
    const m = burstMixture({ avg: 2, peak: 2 + 2.3263478740408408 }, null);
    expect(m.mean).toBe(2);
    expect(m.variance).toBeCloseTo(1, 9);
  });
  it('bursts raise mean and variance', () => {
    const burst = { probability: 0.1, magnitude: { p50: 2, p90: 3, p99: 5 }, durationSeconds: 60 };
    const calm = burstMixture({ avg: 1, peak: 1.5 }, null);
    const spiky = burstMixture({ avg: 1, peak: 1.5 }, burst);
    expect(spiky.mean).toBeGreaterThan(calm.mean);
    expect(spiky.variance).toBeGreaterThan(calm.variance);
  });
});

describe('StatisticalPredictor', () => {
  const p = new StatisticalPredictor();
  it('falls back to the declaration with no history, with p95 ≤ p99', () => {
    const [pred] = p.predict([{ profile: profile(), history: [] }]);
    expect(pred!.cpu.mean).toBe(1);
    expect(pred!.cpu.p99).toBeCloseTo(2, 9);
    expect(pred!.cpu.p95).toBeLessThan(pred!.cpu.p99);
    expect(pred!.modelVersion).toBeNull();
  });
  it('moves toward observed use as feedback accumulates', () => {
    const history = Array.from({ length: 40 }, (_, k) => ({ at: NOW - k * 60_000, cpu: 0.2, memory: 500, network: 5 }));
    const [pred] = p.predict([{ profile: profile(), history }]);
    expect(pred!.cpu.mean).toBeLessThan(0.5);
    expect(pred!.cpu.mean).toBeGreaterThan(0.2);
  });
  it('is batched: one output per input, in order', () => {
    const out = p.predict([{ profile: profile({ cpu: { avg: 1, peak: 1 } }), history: [] }, { profile: profile({ cpu: { avg: 3, peak: 3 } }), history: [] }]);
    expect(out.map((o) => o.cpu.mean)).toEqual([1, 3]);
  });
});

describe('StatisticalInterferenceModel', () => {
  const model = new StatisticalInterferenceModel();
  const predictor = new StatisticalPredictor();
  const view = (id: string, prof = profile()) => ({ id, profile: prof, prediction: predictor.predict([{ profile: prof, history: [] }])[0]! });
  it('an empty node interferes with nothing', () => {
    const est = model.estimate(view('c'), node('n'), []);
    expect(est.candidateSlowdown).toBeCloseTo(1, 6);
    expect(est.addedSlowdown).toEqual([]);
  });
  it('a crowded node slows the candidate and its co-runners, and the O(1) path agrees', () => {
    const heavy = profile({ cpu: { avg: 5, peak: 7 }, memory: { avg: 20000, peak: 22000 }, network: { avg: 3000, peak: 5000 } });
    const co = [view('a', heavy), view('b', heavy)];
    const n = node('n');
    const est = model.estimate(view('c', heavy), n, co);
    expect(est.candidateSlowdown).toBeGreaterThan(1.1);
    expect(est.addedSlowdown.every((x) => x > 0)).toBe(true);
    const load = { count: 2, ...['cpuMean', 'cpuVar', 'memoryMean', 'memoryVar', 'networkMean', 'networkVar', 'networkP99', 'memoryPeak'].reduce(
      (acc, k) => ({ ...acc, [k]: co.reduce((s, v) => s + (demandMoments(v.prediction, v.profile) as unknown as Record<string, number>)[k]!, 0) }),
      {} as Record<string, number>,
    ) } as never;
    const agg = model.estimateLoad(demandMoments(co[0]!.prediction, heavy), n, load);
    expect(agg.candidateSlowdown).toBeCloseTo(est.candidateSlowdown, 9);
    expect(agg.totalAddedSlowdown).toBeCloseTo(est.addedSlowdown.reduce((a, b) => a + b, 0), 9);
  });
});

describe('seededRandom', () => {
  it('is reproducible and in [0, 1)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 100 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
