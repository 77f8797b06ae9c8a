import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FEATURE_NAMES, FEATURE_SPEC_VERSION, OUTPUT_NAMES } from '../../src/features/spec.js';
import { INTERFERENCE_FEATURE_NAMES, INTERFERENCE_QUANTILES, INTERFERENCE_SPEC_VERSION } from '../../src/features/interference.js';
import { saveLayersModel } from '../../src/model/artifacts.js';
import { initTfBackend } from '../../src/model/backend.js';
import type { ModelManifest } from '../../src/model/manifest.js';
import type { WorkloadProfile } from '../../src/market/types.js';
import { buildInterferenceModel, buildUtilizationModel } from '../../training/network.js';

/** Writes an untrained but structurally valid model version (seeded weights) into `modelsDir/version`. */
export async function writeFixtureVersion(modelsDir: string, version: string, seed = 1): Promise<ModelManifest> {
  await initTfBackend(() => {});
  const dir = join(modelsDir, version);
  await mkdir(dir, { recursive: true });
  // Small layers: a fixture only needs the shapes the serving code sees, not the shipped model's capacity.
  const utilization = buildUtilizationModel(seed, [16, 8]);
  const interference = buildInterferenceModel(seed);
  const manifest: ModelManifest = {
    version,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seed)).toISOString(),
    gitCommit: null,
    featureSpec: { version: FEATURE_SPEC_VERSION, names: [...FEATURE_NAMES] },
    outputs: [...OUTPUT_NAMES],
    normalization: { mean: FEATURE_NAMES.map(() => 0), std: FEATURE_NAMES.map(() => 1) },
    calibration: OUTPUT_NAMES.map(() => 0),
    utilization: { path: 'utilization/model.json' },
    interference: {
      path: 'interference/model.json',
      specVersion: INTERFERENCE_SPEC_VERSION,
      features: [...INTERFERENCE_FEATURE_NAMES],
      quantiles: [...INTERFERENCE_QUANTILES],
      normalization: { mean: INTERFERENCE_FEATURE_NAMES.map(() => 0), std: INTERFERENCE_FEATURE_NAMES.map(() => 1) },
      trainedOn: 'test fixture',
    },
    data: { trace: 'fixture' },
    training: {},
    metrics: { targets: {} },
  };
  await saveLayersModel(utilization, join(dir, manifest.utilization.path));
  await saveLayersModel(interference, join(dir, manifest.interference.path));
  utilization.dispose();
  interference.dispose();
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

/** Flips one byte of a version's utilization weights, so their sha256 no longer matches model.json. */
export async function corruptWeights(modelsDir: string, version: string): Promise<void> {
  const weights = join(modelsDir, version, 'utilization', 'weights.bin');
  const bytes = await readFile(weights);
  bytes[10] = bytes[10]! ^ 0xff;
  await writeFile(weights, bytes);
}

export function profile(overrides: Partial<WorkloadProfile> = {}): WorkloadProfile {
  return {
    name: 'web',
    cpu: { avg: 1, peak: 4 },
    memory: { avg: 2048, peak: 8192 },
    network: { avg: 5, peak: 50 },
    burst: { probability: 0.01, magnitude: { p50: 1.5, p90: 2, p99: 3 }, durationSeconds: 300 },
    interruptibility: { maxInterruptionsPerDay: 2, maxInterruptionSeconds: 600, minNoticeSeconds: 120 },
    priority: 'normal',
    expectedRuntimeSeconds: 86_400,
    ...overrides,
  };
}
