import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVersion, readActivePointer, servingInterference, type LoadedVersion } from '../../src/model/index.js';
import { StatisticalInterferenceModel } from '../../src/market/index.js';
import { writeFixtureVersion } from './fixture.js';

let loaded: LoadedVersion;
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'models-'));
  await writeFixtureVersion(dir, 'vi', 5);
  loaded = await loadVersion(dir, 'vi');
});
afterAll(() => loaded.dispose());

const withRecord = (heldOut: { mae: number; rmse: number }, alwaysOne: { mae: number; rmse: number }) => ({
  ...loaded.manifest,
  training: { interference: { examples: 100, heldOut, alwaysOne } },
});

describe('which interference model serves with a learned version', () => {
  it.each([
    ['beats "no interference" on both MAE and RMSE', { mae: 0.04, rmse: 0.3 }, { mae: 0.06, rmse: 0.4 }, 'learned'],
    ['loses on MAE', { mae: 0.101, rmse: 0.556 }, { mae: 0.098, rmse: 0.58 }, 'statistical'],
    ['loses on RMSE', { mae: 0.04, rmse: 0.5 }, { mae: 0.06, rmse: 0.4 }, 'statistical'],
    ['ties', { mae: 0.06, rmse: 0.4 }, { mae: 0.06, rmse: 0.4 }, 'statistical'],
  ])('the head %s → %s', (_case, heldOut, alwaysOne, expected) => {
    const serving = servingInterference(withRecord(heldOut, alwaysOne), loaded.learnedInterference);
    if (expected === 'learned') expect(serving).toBe(loaded.learnedInterference);
    else expect(serving).toBeInstanceOf(StatisticalInterferenceModel);
  });

  it('falls back to the statistical model when the manifest records no held-out comparison', () => {
    expect(servingInterference({ ...loaded.manifest, training: {} }, loaded.learnedInterference)).toBeInstanceOf(
      StatisticalInterferenceModel,
    );
  });

  it('serves the shipped head (trained on feedback, it beat "no interference") with its upper quantile', async () => {
    const version = (await readActivePointer('models'))!;
    const shipped = await loadVersion('models', version);
    try {
      const record = shipped.manifest.training['interference'] as { heldOut: { mae: number }; alwaysOne: { mae: number } };
      expect(record.heldOut.mae).toBeLessThan(record.alwaysOne.mae);
      expect(shipped.interference).toBe(shipped.learnedInterference);
      expect(shipped.interference.upperQuantile).toBe(0.9);
      expect(shipped.manifest.interference.trainedOn).toMatch(/^feedback with observed slowdown/);
      expect(shipped.predictor.version).toBe(version);
    } finally {
      shipped.dispose();
    }
  });
});
