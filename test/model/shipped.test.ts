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
});
