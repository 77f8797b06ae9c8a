/**
 * The learned predictor and interference model for the full Parley policy, loaded from `models/<version>/` with the
 * model package's own loader (src/model). Without a models folder (no trained model committed yet) it returns null,
 * and the experiment notes that "parley" ran with the statistical models.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadVersion, type LoadedVersion } from '../model/loaded-version.js';
import type { ParleyModels } from './policies/enginePolicies.js';

/** The newest version folder under `modelsDir` (natural name order: v10 after v9), or null when there is none. */
export function latestModelVersion(modelsDir: string): string | null {
  if (!existsSync(modelsDir)) return null;
  const versions = readdirSync(modelsDir)
    .filter((name) => !name.startsWith('.') && statSync(join(modelsDir, name)).isDirectory())
    .filter((name) => existsSync(join(modelsDir, name, 'manifest.json')))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return versions[versions.length - 1] ?? null;
}

export interface LoadedParleyModels extends ParleyModels {
  version: string;
  dispose(): void;
}

/** With `online` (the service's default), the policy recalibrates the model's quantile heads from feedback. */
export async function loadParleyModels(
  log: (message: string) => void,
  modelsDir = 'models',
  version: string | null = latestModelVersion(modelsDir),
  online = true,
): Promise<LoadedParleyModels | null> {
  if (version === null) {
    log(`no model version under ${modelsDir}/: parley uses the statistical predictor and interference model`);
    return null;
  }
  const loaded: LoadedVersion = await loadVersion(modelsDir, version);
  log(`parley uses model ${version} from ${modelsDir}/${online ? ', recalibrated online from feedback' : ', static calibration'}`);
  return {
    version,
    predictor: loaded.servingPredictor,
    interference: loaded.interference,
    ...(online ? { online: { staticShift: loaded.manifest.calibration, servingWith: loaded.servingWith } } : {}),
    dispose: () => loaded.dispose(),
  };
}
