/**
 * `npm run train -- [--trace bitbrains:<path>] [--out models] [--split temporal|instance] [--epochs N]
 *   [--batch-size B] [--stride-minutes M] [--interference-feedback file.jsonl] [--version name]`
 *
 * Trains the utilization network and the interference head, scores the model against every baseline on the
 * held-out split, and writes an immutable `models/<version>/` (never overwrites one).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FEATURE_NAMES, FEATURE_SPEC_VERSION, OUTPUT_NAMES } from '../src/features/spec.js';
import { INTERFERENCE_FEATURE_NAMES } from '../src/features/interference.js';
import { loadConfig } from '../src/config/index.js';
import { openDatabase } from '../src/db/database.js';
import { saveLayersModel } from '../src/model/artifacts.js';
import { registerModelVersion } from '../src/model/versionTable.js';
import { initTfBackend } from '../src/model/backend.js';
import { validateManifest, type ModelManifest } from '../src/model/manifest.js';
import { parseTraceRef } from '../src/traces/open.js';
import { evaluateRows } from './evaluation.js';
import { DEFAULT_FIT, fitUtilization } from './fit-utilization.js';
import { fitInterference, readObservations, synthesizeObservations } from './fit-interference.js';
import { loadDataset } from './load.js';
import { mulberry32 } from './random.js';
import { formatTable } from './report.js';
import { SPLITS, splitDataset, type SplitKind } from './split.js';

export const DEFAULT_TRACE = 'bitbrains:data/bitbrains-rnd-2013-07-sample.tar.gz';

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** `v20260124-113012`: sortable, URL-safe, unique per second. */
export function versionName(now: Date): string {
  const iso = now.toISOString();
  return `v${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      trace: { type: 'string', default: DEFAULT_TRACE },
      out: { type: 'string', default: 'models' },
      split: { type: 'string', default: 'temporal' },
      epochs: { type: 'string', default: String(DEFAULT_FIT.epochs) },
      'batch-size': { type: 'string', default: String(DEFAULT_FIT.batchSize) },
      'stride-minutes': { type: 'string', default: '30' },
      'interference-feedback': { type: 'string' },
      version: { type: 'string' },
      seed: { type: 'string', default: String(DEFAULT_FIT.seed) },
      register: { type: 'boolean', default: false },
    },
  });
  const log = (line: string) => console.error(`[train] ${line}`);
  const started = Date.now();
  const split = values.split as SplitKind;
  if (!SPLITS.includes(split)) throw new Error(`--split must be one of ${SPLITS.join(', ')}`);
  const ref = parseTraceRef(values.trace);
  const backend = await initTfBackend(log);
  const version = values.version ?? versionName(new Date());
  const dir = join(values.out, version);
  if (existsSync(dir)) throw new Error(`${dir} exists: model versions are immutable, choose another --version`);

  const dataset = await loadDataset(ref, Number(values['stride-minutes']), log);
  const parts = splitDataset(dataset, split);
  log(`split ${split}: fit ${parts.fit.length}, validation ${parts.validation.length}, test ${parts.test.length} examples`);
  const seed = Number(values.seed);
  const fitted = await fitUtilization(dataset, parts, {
    ...DEFAULT_FIT,
    epochs: Number(values.epochs),
    batchSize: Number(values['batch-size']),
    seed,
    log,
  });
  const report = evaluateRows(dataset, parts.test, split, { version, network: fitted.network });
  console.log(formatTable(report));

  const feedbackPath = values['interference-feedback'];
  const observations = feedbackPath
    ? await readObservations(feedbackPath)
    : synthesizeObservations(dataset, parts.fit, 20_000, mulberry32(seed));
  const trainedOn = feedbackPath
    ? `feedback with observed slowdown: ${feedbackPath} (${observations.length} observations)`
    : `synthetic co-location of ${ref.format} trace VMs, processor-sharing slowdown label (${observations.length} observations); no feedback with observed slowdown was available`;
  const interference = await fitInterference(observations, seed, log);
  log(
    `interference head, held-out slowdown: MAE ${interference.mae.toFixed(4)}, RMSE ${interference.rmse.toFixed(4)} ` +
      `(always 1.0: MAE ${interference.baselineMae.toFixed(4)}, RMSE ${interference.baselineRmse.toFixed(4)})`,
  );

  const trainedRows = [...parts.fit, ...parts.validation];
  const trainedInstances = [...new Set(trainedRows.map((r) => `${ref.format}:${dataset.instanceIds[dataset.instance[r]!]}`))].sort();
  const trainedUntil = trainedRows.reduce((m, r) => Math.max(m, dataset.at[r]!), 0) + 3_600_000;
  const manifest: ModelManifest = {
    version,
    createdAt: new Date().toISOString(),
    gitCommit: gitCommit(),
    featureSpec: { version: FEATURE_SPEC_VERSION, names: [...FEATURE_NAMES] },
    outputs: [...OUTPUT_NAMES],
    normalization: fitted.normalization,
    calibration: fitted.calibration,
    utilization: { path: 'utilization/model.json' },
    interference: {
      path: 'interference/model.json',
      features: [...INTERFERENCE_FEATURE_NAMES],
      normalization: interference.normalization,
      trainedOn,
    },
    data: {
      trace: `${ref.format}:${ref.path}`,
      ...dataset.description,
      firstAt: new Date(dataset.description.firstAt).toISOString(),
      lastAt: new Date(dataset.description.lastAt).toISOString(),
      split,
      cutoff: parts.cutoff === null ? null : new Date(parts.cutoff).toISOString(),
      strideMinutes: Number(values['stride-minutes']),
      trainedInstances,
      trainedUntil,
    },
    training: {
      backend,
      ...DEFAULT_FIT,
      batchSize: Number(values['batch-size']),
      epochsRequested: Number(values.epochs),
      epochs: fitted.epochs,
      fitExamples: fitted.fitExamples,
      validationExamples: parts.validation.length,
      meanScale: fitted.meanScale,
      interference: {
        examples: interference.examples,
        heldOut: { mae: interference.mae, rmse: interference.rmse },
        alwaysOne: { mae: interference.baselineMae, rmse: interference.baselineRmse },
      },
      seconds: (Date.now() - started) / 1000,
    },
    metrics: report as unknown as ModelManifest['metrics'],
  };
  validateManifest(manifest, dir);
  await mkdir(dir, { recursive: true });
  await saveLayersModel(fitted.network.model, join(dir, manifest.utilization.path));
  await saveLayersModel(interference.model, join(dir, manifest.interference.path));
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  log(`wrote ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s total`);
  if (values.register) {
    // The service's database (DATABASE_URL, else the PGlite folder PARLEY_DATA_DIR), as `npm start` opens it.
    const config = loadConfig();
    const database = await openDatabase(config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dataDir: config.dataDir });
    try {
      await registerModelVersion(database.db, manifest, dir);
      log(`registered ${version} in model_versions (${database.driver})`);
    } finally {
      await database.close();
    }
  }
  console.log(version);
}

main().catch((error: unknown) => {
  console.error(`train failed: ${(error as Error).message}`);
  process.exitCode = 1;
});
