import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FEATURE_NAMES } from '../features/spec.js';
import { CorruptModelError, loadLayersModel } from './artifacts.js';
import { DenseStack } from './dense.js';
import { TfjsInterferenceModel } from './interference.js';
import { validateManifest, type ModelManifest } from './manifest.js';
import { TfjsPredictor } from './predictor.js';
import { UtilizationNetwork } from './utilization.js';
import { initTfBackend, tf } from './backend.js';

/** A model version loaded into memory: its manifest, predictor and interference model, ready to serve. */
export interface LoadedVersion {
  version: string;
  manifest: ModelManifest;
  predictor: TfjsPredictor;
  interference: TfjsInterferenceModel;
  dispose(): void;
}

/**
 * Loads `models/<version>/`: validates the manifest against the serving feature spec, loads both networks,
 * and warms the utilization network up with one batch (the first tfjs call compiles kernels; a round should
 * not pay for it). Throws IncompatibleModelError or CorruptModelError; nothing is left allocated on failure.
 */
export async function loadVersion(modelsDir: string, version: string): Promise<LoadedVersion> {
  await initTfBackend();
  const dir = join(modelsDir, version);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  } catch (cause) {
    throw new CorruptModelError(`${dir}: cannot read manifest.json (${(cause as Error).message})`);
  }
  const manifest = validateManifest(raw, dir);
  if (manifest.version !== version) throw new CorruptModelError(`${dir}: manifest names version ${manifest.version}`);
  const utilizationModel = await loadLayersModel(join(dir, manifest.utilization.path));
  let interferenceModel: tf.LayersModel | null = null;
  try {
    interferenceModel = await loadLayersModel(join(dir, manifest.interference.path));
    const network = new UtilizationNetwork(utilizationModel, manifest);
    const head = DenseStack.fromLayersModel(interferenceModel);
    interferenceModel.dispose(); // the head now lives in plain arrays
    interferenceModel = null;
    network.predictRatios(new Float32Array(8 * FEATURE_NAMES.length), 8);
    return {
      version,
      manifest,
      predictor: new TfjsPredictor(version, network),
      interference: new TfjsInterferenceModel(version, head, manifest.interference.normalization),
      dispose: () => network.dispose(),
    };
  } catch (error) {
    utilizationModel.dispose();
    interferenceModel?.dispose();
    throw error;
  }
}
