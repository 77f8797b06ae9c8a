import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/model/backend.js';
import {
  CorruptModelError,
  IncompatibleModelError,
  ModelRegistry,
  readActivePointer,
  type ServingModels,
} from '../../src/model/index.js';
import type { InterferenceModel, Predictor } from '../../src/market/types.js';
import { corruptWeights, profile, writeFixtureVersion } from './fixture.js';

const fallbackPredictor: Predictor = {
  version: null,
  predict: (inputs) =>
    inputs.map((i) => ({
      cpu: { mean: i.profile.cpu.avg, p95: i.profile.cpu.peak, p99: i.profile.cpu.peak },
      memory: { mean: i.profile.memory.avg, p95: i.profile.memory.peak, p99: i.profile.memory.peak },
      network: { mean: i.profile.network.avg, p95: i.profile.network.peak, p99: i.profile.network.peak },
      modelVersion: null,
    })),
};
const fallbackInterference: InterferenceModel = {
  version: null,
  estimate: (_c, _n, co) => ({
    candidateSlowdown: 1,
    addedSlowdown: co.map(() => 0),
    components: { contention: 0, cacheThrashing: 0, networkCongestion: 0 },
  }),
};

let modelsDir: string;

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'models-'));
  await writeFixtureVersion(modelsDir, 'v1', 1);
  await writeFixtureVersion(modelsDir, 'v2', 2);
});

function registry(): ModelRegistry {
  return new ModelRegistry({ modelsDir, fallback: { predictor: fallbackPredictor, interference: fallbackInterference } });
}

function predictOnce(models: ServingModels) {
  return models.predictor.predict([{ profile: profile(), history: [] }])[0]!;
}

describe('ModelRegistry', () => {
  it('serves the statistical fallback with modelVersion null when no model is active', () => {
    const lease = registry().acquire();
    expect(lease.version).toBeNull();
    expect(predictOnce(lease).modelVersion).toBeNull();
  });

  it('activates a version and stamps its predictions with it', async () => {
    const r = registry();
    await r.activate('v1');
    const lease = r.acquire();
    expect(lease.version).toBe('v1');
    expect(predictOnce(lease).modelVersion).toBe('v1');
    lease.release();
    await r.close();
  });

  it('keeps a leased version usable across a swap and gives later rounds the new one', async () => {
    const r = registry();
    await r.activate('v1');
    const round = r.acquire();
    await r.activate('v2');
    expect(predictOnce(round).modelVersion).toBe('v1'); // not disposed under an in-flight round
    expect(r.acquire().version).toBe('v2');
    round.release();
    await r.close();
  });

  it('refuses corrupt weights and keeps the active version serving', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'models-bad-'));
    await writeFixtureVersion(dir, 'good', 3);
    await writeFixtureVersion(dir, 'bad', 4);
    await corruptWeights(dir, 'bad');
    const r = new ModelRegistry({ modelsDir: dir, fallback: { predictor: fallbackPredictor, interference: fallbackInterference } });
    await r.activate('good');
    await expect(r.activate('bad')).rejects.toThrow(CorruptModelError);
    await expect(r.activate('bad')).rejects.toThrow(/weights are corrupt/);
    expect(r.acquire().version).toBe('good');
    await expect(r.activate('missing')).rejects.toThrow(/cannot read manifest.json/);
    await r.close();
  });

  it('refuses a model built for another feature spec with a clear error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'models-old-'));
    await writeFixtureVersion(dir, 'old', 5);
    const path = join(dir, 'old', 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    manifest.featureSpec.version = 'parley-features/0';
    await writeFile(path, JSON.stringify(manifest));
    const r = new ModelRegistry({ modelsDir: dir, fallback: { predictor: fallbackPredictor, interference: fallbackInterference } });
    await expect(r.activate('old')).rejects.toThrow(IncompatibleModelError);
    await expect(r.activate('old')).rejects.toThrow(/feature spec parley-features\/0, server serves parley-features\/2/);
    expect(r.acquire().version).toBeNull();
    const [listed] = await r.list();
    expect(listed?.problem).toMatch(/incompatible/);
  });

  it('persists the activation to active.json when asked', async () => {
    const r = registry();
    await r.activate('v2', { persist: true });
    expect(await readActivePointer(modelsDir)).toBe('v2');
    const restarted = registry();
    expect(await restarted.activateFromPointer()).toBe('v2');
    await r.close();
    await restarted.close();
  });

  it('keeps the tensor count flat over 100 swaps', async () => {
    const r = registry();
    await r.activate('v1');
    await r.activate('v2');
    await r.deactivate();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) {
      const round = r.acquire();
      await r.activate(i % 2 === 0 ? 'v1' : 'v2');
      predictOnce(round);
      round.release();
    }
    await r.close();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});

describe('ModelRegistry.current (the service PredictionProvider shape)', () => {
  it('returns the fallback, then the active version, without leases', async () => {
    const r = registry();
    expect(r.current().version).toBeNull();
    await r.activate('v1');
    const models = r.current();
    expect(models.version).toBe('v1');
    expect(predictOnce(models).modelVersion).toBe('v1');
    await r.close();
    expect(r.current().version).toBeNull();
  });
});
