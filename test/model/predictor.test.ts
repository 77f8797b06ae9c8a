import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVersion, type LoadedVersion } from '../../src/model/index.js';
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
