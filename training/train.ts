/**
 * `npm run train -- [--trace bitbrains:<path>] [--out models] [--split temporal|instance|development] [--epochs N]
 *   [--batch-size B] [--hidden 256,128] [--patience P] [--stride-minutes 10] [--short-history-share 0]
 *   [--observed-peak-share 0.5] [--miss-penalty 0] [--miss-temperature 0.005] [--interference-feedback file.jsonl]
 *   [--version name] [--register] [--from-db [--activate-if-better]]`
 *
 * Trains the utilization network and the interference head, calibrates the quantile heads (split-conformal at the
 * nominal level on the validation rows: training/calibration.ts), calibrates every baseline by the same rule,
 * scores the model, the baselines and the calibrated baselines once on the held-out split, and writes an immutable
 * `models/<version>/` (never overwrites one). `--split development` runs the whole procedure inside the training
 * period (its "test" days precede the real test days), for making choices without reading the test split.
 *
 * `--from-db` adds the service's stored runtime feedback (DATABASE_URL, else the PGlite folder PARLEY_DATA_DIR, as
 * `npm start` opens it): feedback series become training instances, feedback with `slowdown` trains the
 * interference head (training/feedback.ts); the version is registered in `model_versions`. With
 * `--activate-if-better` or PARLEY_AUTO_ACTIVATE=1 it is then made active (active.json and model_versions) only if
 * it is no worse than the active version on this run's holdout (training/promotion.ts), both scored with their p95
 * heads recalibrated online over the holdout as the service serves them (static calibration when the service runs
 * with PARLEY_ONLINE_RECALIBRATION=false).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FEATURE_NAMES, FEATURE_SPEC_VERSION, OUTPUT_NAMES } from '../src/features/spec.js';
import { INTERFERENCE_FEATURE_NAMES, INTERFERENCE_QUANTILES, INTERFERENCE_SPEC_VERSION } from '../src/features/interference.js';
import { saveLayersModel } from '../src/model/artifacts.js';
import { activeModelVersion, recordModelActivation, registerModelVersion } from '../src/model/versionTable.js';
import { openServiceDatabase } from '../src/model/serviceDatabase.js';
import { loadConfig } from '../src/config/index.js';
import { loadVersion, type LoadedVersion } from '../src/model/loaded-version.js';
import { readActivePointer, writeActivePointer } from '../src/model/registry.js';
import type { Database } from '../src/db/database.js';
import { initTfBackend } from '../src/model/backend.js';
import { validateManifest, type ModelManifest } from '../src/model/manifest.js';
import { parseTraceRef } from '../src/traces/open.js';
import { nonNegative, nonNegativeWhole, numberOption, positive, positiveWhole, share, wholeNumber } from '../src/cli/numberOption.js';
import { evaluateRows, type EvaluationReport } from './evaluation.js';
import { readFeedbackTraining, type FeedbackTrainingData } from './feedback.js';
import { compareForPromotion } from './promotion.js';
import { DEFAULT_FIT, fitUtilization, type FitOptions } from './fit-utilization.js';
import { calibrate, calibrateBaselines } from './calibration.js';
import { UtilizationNetwork } from '../src/model/utilization.js';
import { fitInterference, readObservations, synthesizeObservations } from './fit-interference.js';
import { loadDataset } from './load.js';
import { SHORT_HISTORY_HOURS } from './dataset.js';
import { mulberry32 } from './random.js';
import { formatTable } from './report.js';
import { SPLITS, splitDataset, type SplitKind } from './split.js';

export const DEFAULT_TRACE = 'bitbrains:data/bitbrains-rnd-2013-07-sample.tar.gz';
/**
 * Share of training examples whose VM declares the peak it observed instead of its provisioned size
 * (src/features/declare.ts): half, so the model serves both kinds of client (docs/model-card.md).
 */
export const DEFAULT_OBSERVED_PEAK_SHARE = 0.5;
/** fitInterference's minimum; with fewer feedback observations carrying slowdown, the head trains on synthetic ones. */
const MIN_FEEDBACK_OBSERVATIONS = 50;

/**
 * The version to compare against: the one model_versions marks active (what every service on this database serves,
 * see src/model/activeVersionSync.ts), else the one active.json names (what a service on this folder serves at start
 * when no activation is recorded).
 */
async function activeVersionOf(database: Database, modelsDir: string): Promise<string | null> {
  return (await activeModelVersion(database.db)) ?? (await readActivePointer(modelsDir));
}

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
      split: { type: 'string' },
      epochs: { type: 'string', default: String(DEFAULT_FIT.epochs) },
      'batch-size': { type: 'string', default: String(DEFAULT_FIT.batchSize) },
      // An anchor every 10 minutes: on the 20-VM sample, more examples per VM than the former 30 helped memory p95 on
      // the development split (docs/model-card.md); the full month is trained at 60.
      'stride-minutes': { type: 'string', default: '10' },
      'short-history-share': { type: 'string', default: String(DEFAULT_FIT.shortHistoryShare) },
      'observed-peak-share': { type: 'string', default: String(DEFAULT_OBSERVED_PEAK_SHARE) },
      // The coverage-aware p95 objective (training/network.ts, LossWeights.missPenalty); 0 = the sample pinball.
      'miss-penalty': { type: 'string', default: String(DEFAULT_FIT.loss.missPenalty) },
      'miss-temperature': { type: 'string', default: String(DEFAULT_FIT.loss.missTemperature) },
      'interference-feedback': { type: 'string' },
      version: { type: 'string' },
      seed: { type: 'string', default: String(DEFAULT_FIT.seed) },
      register: { type: 'boolean', default: false },
      'from-db': { type: 'boolean', default: false },
      'activate-if-better': { type: 'boolean', default: false },
      hidden: { type: 'string', default: DEFAULT_FIT.hidden.join(',') },
      patience: { type: 'string', default: String(DEFAULT_FIT.patience) },
    },
  });
  const fromDb = values['from-db'];
  const autoActivate = values['activate-if-better'] || process.env['PARLEY_AUTO_ACTIVATE'] === '1';
  if (autoActivate && !fromDb) throw new Error('--activate-if-better (PARLEY_AUTO_ACTIVATE=1) applies to --from-db retraining only');
  const log = (line: string) => console.error(`[train] ${line}`);
  const started = Date.now();
  // Feedback is recent and the trace is years old: a temporal split would put all feedback in the test period and
  // leave no validation period, so retraining from the database holds out instances instead.
  const split = (values.split ?? (fromDb ? 'instance' : 'temporal')) as SplitKind;
  if (!SPLITS.includes(split)) throw new Error(`--split must be one of ${SPLITS.join(', ')}`);
  if (fromDb && split === 'temporal') throw new Error('--from-db needs --split instance: trace and feedback periods are years apart');
  // Every numeric option is read here, before any data: a typo is an error naming the option, not a model trained
  // for NaN epochs or an anchor loop that never advances.
  const loss = {
    ...DEFAULT_FIT.loss,
    missPenalty: numberOption('miss-penalty', values['miss-penalty'], nonNegative),
    missTemperature: numberOption('miss-temperature', values['miss-temperature'], positive),
  };
  const strideMinutes = numberOption('stride-minutes', values['stride-minutes'], positive);
  const shortHistoryShare = numberOption('short-history-share', values['short-history-share'], share);
  const observedPeakShare = numberOption('observed-peak-share', values['observed-peak-share'], share);
  const seed = numberOption('seed', values.seed, wholeNumber);
  const epochs = numberOption('epochs', values.epochs, positiveWhole);
  const batchSize = numberOption('batch-size', values['batch-size'], positiveWhole);
  const patience = numberOption('patience', values.patience, nonNegativeWhole);
  const hidden = values.hidden.split(',').map(Number);
  if (hidden.length === 0 || !hidden.every((u) => Number.isInteger(u) && u > 0)) throw new Error('--hidden must list layer sizes, e.g. 256,128');
  const ref = parseTraceRef(values.trace);
  const backend = await initTfBackend(log);
  const version = values.version ?? versionName(new Date());
  const dir = join(values.out, version);
  if (existsSync(dir)) throw new Error(`${dir} exists: model versions are immutable, choose another --version`);

  const database = fromDb || values.register ? await openServiceDatabase() : null;
  try {
    let stored: FeedbackTrainingData | null = null;
    if (fromDb) {
      stored = await readFeedbackTraining(database!.db);
      log(`feedback from ${database!.driver}: ${JSON.stringify(stored.description)}`);
    }
    const feedbackIds = new Set(stored?.instances.map((i) => i.id) ?? []);
    const shortHistoryHours = shortHistoryShare > 0 ? SHORT_HISTORY_HOURS : [];
    const dataset = await loadDataset(
      ref,
      { strideMinutes, shortHistoryHours, observedPeakShare },
      log,
      stored?.instances ?? [],
    );
    const parts = splitDataset(dataset, split);
    log(`split ${split}: fit ${parts.fit.length}, validation ${parts.validation.length}, test ${parts.test.length} examples`);
    const fitOptions: FitOptions = {
      ...DEFAULT_FIT,
      loss,
      epochs,
      batchSize,
      patience,
      hidden,
      seed,
      shortHistoryShare,
      log,
    };
    const fitted = await fitUtilization(dataset, parts, fitOptions);
    const calibration = calibrate(dataset, parts, fitted.ratios);
    const network = new UtilizationNetwork(fitted.network.model, { normalization: fitted.normalization, calibration: calibration.shifts });
    log(`calibration (${calibration.rule}, ${calibration.validationRows} rows): shifts (ratio units) ${calibration.shifts.map((c) => c.toFixed(4)).join(' ')}`);
    const baselineCalibration = calibrateBaselines(dataset, parts);
    log('calibrated every baseline by the same rule on the same validation rows; scoring the test split once');
    const report = evaluateRows(dataset, parts.test, split, { version, network }, baselineCalibration);
    console.log(formatTable(report));

    const feedbackPath = values['interference-feedback'];
    const fromStore = stored !== null && stored.observations.length >= MIN_FEEDBACK_OBSERVATIONS;
    if (stored && !fromStore) {
      log(`only ${stored.observations.length} stored feedback samples with slowdown (< ${MIN_FEEDBACK_OBSERVATIONS}): the interference head trains on synthetic observations`);
    }
    const observations = fromStore
      ? stored!.observations
      : feedbackPath
        ? await readObservations(feedbackPath)
        : synthesizeObservations(dataset, parts.fit, 20_000, mulberry32(seed));
    const trainedOn = fromStore
      ? `stored runtime feedback with observed slowdown and its placement context (${database!.driver}, ${observations.length} observations)`
      : feedbackPath
        ? `feedback with observed slowdown: ${feedbackPath} (${observations.length} observations)`
        : `synthetic co-location of ${ref.format} trace VMs, processor-sharing slowdown label (${observations.length} observations); no feedback with observed slowdown was available`;
    const interference = await fitInterference(observations, seed, log);
    log(
      `interference head, held-out slowdown: MAE ${interference.mae.toFixed(4)}, RMSE ${interference.rmse.toFixed(4)} ` +
        `(always 1.0: MAE ${interference.baselineMae.toFixed(4)}, RMSE ${interference.baselineRmse.toFixed(4)}); ` +
        `q${interference.upperQuantile.tau} coverage ${interference.upperQuantile.coverage.toFixed(3)}, ` +
        `pinball ${interference.upperQuantile.pinball.toFixed(4)} (always 1.0: ${interference.upperQuantile.alwaysOnePinball.toFixed(4)})`,
    );

    const trainedRows = [...parts.fit, ...parts.validation];
    const sourceOf = (id: string) => (feedbackIds.has(id) ? 'feedback' : ref.format);
    const trainedInstances = [
      ...new Set(trainedRows.map((r) => dataset.instanceIds[dataset.instance[r]!]!).map((id) => `${sourceOf(id)}:${id}`)),
    ].sort();
    const trainedUntil = trainedRows.reduce((m, r) => Math.max(m, dataset.at[r]!), 0) + 3_600_000;
    const manifest: ModelManifest = {
      version,
      createdAt: new Date().toISOString(),
      gitCommit: gitCommit(),
      featureSpec: { version: FEATURE_SPEC_VERSION, names: [...FEATURE_NAMES] },
      outputs: [...OUTPUT_NAMES],
      normalization: fitted.normalization,
      calibration: calibration.shifts,
      utilization: { path: 'utilization/model.json' },
      interference: {
        path: 'interference/model.json',
        specVersion: INTERFERENCE_SPEC_VERSION,
        features: [...INTERFERENCE_FEATURE_NAMES],
        quantiles: [...INTERFERENCE_QUANTILES],
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
        strideMinutes,
        trainedInstances,
        trainedUntil,
        ...(stored ? { feedback: { source: database!.driver, ...stored.description } } : {}),
      },
      training: {
        backend,
        ...DEFAULT_FIT,
        shortHistoryShare,
        shortHistoryHours,
        observedPeakShare,
        batchSize,
        patience: fitOptions.patience,
        hidden: fitOptions.hidden,
        loss: fitOptions.loss,
        epochsRequested: epochs,
        epochs: fitted.epochs,
        fitExamples: fitted.fitExamples,
        calibration: { rule: calibration.rule, levels: calibration.levels, validationRows: calibration.validationRows },
        validationExamples: parts.validation.length,
        meanScale: fitted.meanScale,
        interference: {
          examples: interference.examples,
          heldOut: { mae: interference.mae, rmse: interference.rmse },
          alwaysOne: { mae: interference.baselineMae, rmse: interference.baselineRmse },
          upperQuantile: interference.upperQuantile,
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
    if (database) {
      await registerModelVersion(database.db, manifest, dir);
      log(`registered ${version} in model_versions (${database.driver})`);
    }
    if (autoActivate) {
      // Judge both versions as the service would serve them: with their p95 heads recalibrated online over the
      // holdout (rows in time order, each revealed after its horizon), unless the service runs without it.
      // Only the model's figures are compared, so the baselines are not scored again (no calibrated baselines).
      const online = loadConfig().onlineRecalibration;
      const score = (v: string, net: UtilizationNetwork) => evaluateRows(dataset, parts.test, split, { version: v, network: net }, null, { online });
      const holdout: Holdout = {
        candidate: () => (online ? score(version, network) : report),
        active: (active) => score(active.version, active.predictor.network),
        how: online ? 'p95 heads recalibrated online over the holdout, as the service serves them' : 'static calibration (PARLEY_ONLINE_RECALIBRATION=false)',
      };
      await activateIfNoWorse(database!, values.out, manifest, dir, holdout, log);
    }
    console.log(version);
  } finally {
    await database?.close();
  }
}

/** How the candidate and the active version are scored on the holdout for promotion (scored only when compared). */
interface Holdout {
  candidate: () => EvaluationReport;
  active: (active: LoadedVersion) => EvaluationReport;
  /** Which calibration the scores use, for the log. */
  how: string;
}

/**
 * Makes the new version active (active.json, model_versions) when no version is active yet, or when it is no worse
 * than the active one on the same holdout. An active version this build cannot load is not replaced blindly: the
 * operator decides (POST /models/{version}/activate).
 */
async function activateIfNoWorse(
  database: Database,
  modelsDir: string,
  manifest: ModelManifest,
  dir: string,
  holdout: Holdout,
  log: (line: string) => void,
): Promise<void> {
  const activeVersion = await activeVersionOf(database, modelsDir);
  if (activeVersion !== null) {
    let active;
    try {
      active = await loadVersion(modelsDir, activeVersion);
    } catch (error) {
      log(`not activating: the active version ${activeVersion} cannot be loaded for comparison (${(error as Error).message})`);
      return;
    }
    let verdict;
    try {
      verdict = compareForPromotion(holdout.candidate(), holdout.active(active));
    } finally {
      active.dispose();
    }
    log(`holdout pinball (candidate vs ${activeVersion}; ${holdout.how}): ${JSON.stringify(verdict.comparison)}`);
    if (!verdict.promote) {
      log(`not activating ${manifest.version}: ${verdict.reason}`);
      return;
    }
    log(`activating ${manifest.version}: ${verdict.reason}`);
  } else {
    log(`activating ${manifest.version}: no version is active`);
  }
  await writeActivePointer(modelsDir, manifest.version);
  await recordModelActivation(database.db, manifest, dir);
  log(`${manifest.version} is active in model_versions and ${modelsDir}/active.json; running services on this database swap it in within seconds`);
}

main().catch((error: unknown) => {
  console.error(`train failed: ${(error as Error).message}`);
  process.exitCode = 1;
});
