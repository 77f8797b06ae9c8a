import { describe, expect, it } from 'vitest';
import { loadVersion, readActivePointer } from '../../src/model/index.js';
import { profile } from './fixture.js';

describe('the shipped default model', () => {
  it('is named by models/active.json, loads against the serving feature spec and predicts', async () => {
    const version = await readActivePointer('models');
    expect(version).toMatch(/^v\d{8}-\d{6}$/);
    const loaded = await loadVersion('models', version!);
    try {
      expect(loaded.manifest.data['trace']).toBe('bitbrains:data/bitbrains-rnd-2013-07-sample.tar.gz');
      expect(Object.keys(loaded.manifest.metrics.targets)).toContain('cpu_p95');
      const [p] = loaded.predictor.predict([{ profile: profile(), history: [] }]);
      expect(p!.modelVersion).toBe(version);
      // A new bid declared at avg 1 / peak 4 cores: the mean lands near the declared average, below the peak.
      expect(p!.cpu.mean).toBeGreaterThan(0.2);
      expect(p!.cpu.mean).toBeLessThan(4);
    } finally {
      loaded.dispose();
    }
  });

  it('never predicts a new bid above its declared peak, even for a declaration unlike the training traces', async () => {
    const loaded = await loadVersion('models', (await readActivePointer('models'))!);
    try {
      // Peak = 2 × avg on every resource: the trace VMs declare their provisioned capacity, far above their average,
      // and the uncapped network put this bid's memory and network means above the declared peaks.
      // (the README's walkthrough profile)
      const tight = profile({
        cpu: { avg: 2, peak: 4 },
        memory: { avg: 2048, peak: 4096 },
        network: { avg: 100, peak: 400 },
        burst: { probability: 0.1, magnitude: { p50: 1.5, p90: 2, p99: 3 }, durationSeconds: 30 },
        expectedRuntimeSeconds: 3600,
      });
      const [p] = loaded.predictor.predict([{ profile: tight, history: [] }]);
      for (const r of ['cpu', 'memory', 'network'] as const) {
        expect(p![r].p99).toBeLessThanOrEqual(tight[r].peak);
        expect(p![r].mean).toBeLessThanOrEqual(p![r].p95);
        expect(p![r].p95).toBeLessThanOrEqual(p![r].p99);
      }
      // With history the evidence decides: a workload running above its declared peak is predicted above it.
      const at = Date.UTC(2013, 6, 10);
      const over = Array.from({ length: 288 }, (_, i) => ({ at: at + i * 300_000, cpu: 6, memory: 6000, network: 600 }));
      const [q] = loaded.predictor.predict([{ profile: tight, history: over }]);
      expect(q!.cpu.p95).toBeGreaterThan(tight.cpu.peak);
    } finally {
      loaded.dispose();
    }
  });
});
