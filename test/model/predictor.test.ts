import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVersion, type LoadedVersion } from '../../src/model/index.js';
import { FEATURE_NAMES } from '../../src/features/spec.js';
import type { DemandView, FeedbackSample } from '../../src/market/types.js';
import { profile, writeFixtureVersion } from './fixture.js';

let loaded: LoadedVersion;
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'models-'));
  await writeFixtureVersion(dir, 'vt', 11);
  loaded = await loadVersion(dir, 'vt');
});
afterAll(() => loaded.dispose());

const T0 = Date.UTC(2013, 6, 10);
const history: FeedbackSample[] = Array.from({ length: 100 }, (_, i) => ({ at: T0 + i * 300_000, cpu: 1 + (i % 5) / 10, memory: 3000, network: 8 }));

describe('TfjsPredictor', () => {
  it('predicts a batch in one call: one prediction per input, in absolute units, ordered quantiles', () => {
    const inputs = [
      { profile: profile(), history },
      { profile: profile({ cpu: { avg: 8, peak: 16 } }), history: [] },
      { profile: profile(), history: [] },
    ];
    const out = loaded.predictor.predict(inputs);
    expect(out).toHaveLength(3);
    for (const p of out) {
      expect(p.modelVersion).toBe('vt');
      for (const r of ['cpu', 'memory', 'network'] as const) {
        expect(p[r].mean).toBeGreaterThanOrEqual(0);
        expect(p[r].p95).toBeGreaterThanOrEqual(p[r].mean);
        expect(p[r].p99).toBeGreaterThanOrEqual(p[r].p95);
      }
    }
    expect(loaded.predictor.predict(inputs)).toEqual(out); // deterministic
    expect(loaded.predictor.predict([])).toEqual([]);
  });
});

describe('inputs outside the training range (manifest normalization.min / max)', () => {
  const BURST = FEATURE_NAMES.indexOf('burst_probability');
  const bursty = (probability: number) => profile({ burst: { probability, magnitude: { p50: 1.5, p90: 2, p99: 3 }, durationSeconds: 30 } });

  async function withRange(edit: (n: { min: number[]; max: number[] }) => void): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'models-range-'));
    await writeFixtureVersion(dir, 'vr', 12);
    const path = join(dir, 'vr', 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    const range = { min: FEATURE_NAMES.map(() => -1e6), max: FEATURE_NAMES.map(() => 1e6) };
    edit(range);
    manifest.normalization = { ...manifest.normalization, ...range };
    await writeFile(path, JSON.stringify(manifest));
    return dir;
  }

  it("serves a value beyond the range as the range's edge, where a model without one extrapolates", async () => {
    const dir = await withRange((n) => {
      n.min[BURST] = 0;
      n.max[BURST] = 0.02;
    });
    const ranged = await loadVersion(dir, 'vr');
    try {
      const [edge, beyond, inside] = ranged.predictor.predict([{ profile: bursty(0.02), history }, { profile: bursty(0.5), history }, { profile: bursty(0.01), history }]);
      expect(beyond).toEqual(edge);
      expect(inside).not.toEqual(edge);
      // The same fixture weights without the range (seed 12 as well) tell 0.02 and 0.5 apart.
      const plainDir = await mkdtemp(join(tmpdir(), 'models-plain-'));
      await writeFixtureVersion(plainDir, 'vr', 12);
      const plain = await loadVersion(plainDir, 'vr');
      const [plainEdge, plainBeyond] = plain.predictor.predict([{ profile: bursty(0.02), history }, { profile: bursty(0.5), history }]);
      plain.dispose();
      expect(plainBeyond).not.toEqual(plainEdge);
    } finally {
      ranged.dispose();
    }
  });

  it('refuses a manifest whose range is inverted or half there', async () => {
    const inverted = await withRange((n) => {
      n.min[BURST] = 1;
      n.max[BURST] = 0;
    });
    await expect(loadVersion(inverted, 'vr')).rejects.toThrow(/normalization min exceeds max/);
    const half = await withRange((n) => n.max.splice(0));
    await expect(loadVersion(half, 'vr')).rejects.toThrow(/min and max differ in length/);
  });
});

describe('TfjsInterferenceModel', () => {
  const view = (id: string, cpu: number): DemandView => {
    const [prediction] = loaded.predictor.predict([{ profile: profile({ cpu: { avg: cpu, peak: cpu * 2 } }), history: [] }]);
    return { id, profile: profile(), prediction: prediction! };
  };
  it('returns a slowdown ≥ 1, one added slowdown per co-runner, and components in [0, 1]', () => {
    const node = { id: 'n1', cpu: 8, memory: 32_768, network: 1000 };
    const est = loaded.learnedInterference.estimate(view('c', 2), node, [view('a', 4), view('b', 6)]);
    expect(est.candidateSlowdown).toBeGreaterThanOrEqual(1);
    expect(est.addedSlowdown).toHaveLength(2);
    est.addedSlowdown.forEach((s) => expect(s).toBeGreaterThanOrEqual(0));
    for (const v of Object.values(est.components)) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    // The tail is an upper quantile of anyone on the node: at least the candidate's median slowdown.
    expect(est.tailSlowdown).toBeGreaterThanOrEqual(est.candidateSlowdown);
    // Aggregate predicted p95 far above the node's CPU: contention saturates.
    expect(loaded.learnedInterference.estimate(view('c', 8), node, [view('a', 8), view('b', 8)]).components.contention).toBe(1);
  });
});
