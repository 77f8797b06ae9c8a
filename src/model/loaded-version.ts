import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { EnvelopePredictor, StatisticalInterferenceModel, StatisticalPredictor } from '../market/index.js';
import type { InterferenceModel, Predictor } from '../market/types.js';
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
  /** The learned utilization model alone (evaluation, benchmarks). */
  predictor: TfjsPredictor;
  /**
   * What serves in clearing rounds: the model's means with tails no thinner than the statistical predictor's
   * (EnvelopePredictor in src/market/envelope.ts explains why).
   */
  servingPredictor: Predictor;
  /** `servingPredictor` with the quantile heads' online correction added (src/model/onlineCalibration.ts). */
  servingWith(onlineShift: readonly number[]): Predictor;
  /** The interference model that serves: the learned head only where it earned it (see `servingInterference`). */
  interference: InterferenceModel;
  /** The version's learned interference head, whether or not it serves. */
  learnedInterference: TfjsInterferenceModel;
  dispose(): void;
}

/** What training recorded about the interference head on held-out observations (manifest `training.interference`). */
const heldOutInterference = z.object({
  heldOut: z.object({ mae: z.number(), rmse: z.number() }),
  alwaysOne: z.object({ mae: z.number(), rmse: z.number() }),
});

/**
 * A learned component serves only where it beat its baseline on held-out data. The interference head is compared
 * with predicting no interference at all (slowdown 1.0) on the observations training held out: it serves when its
 * MAE and its RMSE are both lower; otherwise (or when the manifest does not record the comparison) the engine's
 * statistical interference model serves next to the learned utilization predictor. The shipped default head, trained
 * on synthetic co-location only, loses on MAE (0.101 vs 0.098), and in the simulator a losing head placed so tightly
 * that QoS violation hours tripled (docs/benchmarks.md).
 */
export function servingInterference(manifest: ModelManifest, learned: TfjsInterferenceModel): InterferenceModel {
  const recorded = heldOutInterference.safeParse(manifest.training['interference']);
  if (!recorded.success) return new StatisticalInterferenceModel();
  const { heldOut, alwaysOne } = recorded.data;
  return heldOut.mae < alwaysOne.mae && heldOut.rmse < alwaysOne.rmse ? learned : new StatisticalInterferenceModel();
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
    const learnedInterference = new TfjsInterferenceModel(version, head, manifest.interference.normalization);
    const predictor = new TfjsPredictor(version, network);
    const floor = new StatisticalPredictor();
    return {
      version,
      manifest,
      predictor,
      servingPredictor: new EnvelopePredictor(predictor, floor),
      servingWith: (onlineShift) => new EnvelopePredictor(new TfjsPredictor(version, network, onlineShift), floor),
      interference: servingInterference(manifest, learnedInterference),
      learnedInterference,
      dispose: () => network.dispose(),
    };
  } catch (error) {
    utilizationModel.dispose();
    interferenceModel?.dispose();
    throw error;
  }
}
