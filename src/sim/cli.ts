/**
 * `npm run simulate -- [--config config/sim-default.json] [--seed N] [--hours H] [--arrivals-per-hour R] [--out DIR]
 *                      [--json] [--policies parley,kubeLike,...] [--truthfulness-hours H] [--engine-config JSON]`
 * `npm run simulate -- --sweep SETTING=V1,V2,... [--engine-config JSON] [scenario and model options] [--out DIR] [--json]`
 *
 * Runs every policy on the scenario's bid stream, writes a Markdown report with SVG charts into `--out`
 * (default `reports/sim-<seed>`), and with `--json` prints the metrics as one JSON object on stdout.
 * With `--sweep`, runs the baselines once and Parley once per value of one engine setting (sweep.ts), and writes
 * `frontier.md`, `frontier.svg` and `sweep.json` (default `reports/sweep-<seed>-<setting>`).
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { engineConfigProblems, type EngineConfig } from '../market/index.js';
import { anyNumber, nonNegative, optionalNumberOption, positiveWhole } from '../cli/numberOption.js';
import { runExperiment } from './experiment.js';
import { POLICY_NAMES, type PolicyName } from './policies/policy.js';
import { writeReport } from './report/markdown.js';
import { writeSweepReport } from './report/sweepReport.js';
import { parseSweep, runSweep, type SweepSpec } from './sweep.js';
import { loadScenario, overrideScenario } from './scenario.js';
import { loadTraceLibrary } from './traceLibrary.js';
import type { InterferenceObservation } from './interferenceFeedback.js';
import { latestModelVersion, loadParleyModels } from './models.js';

function parsePolicies(text: string | undefined): PolicyName[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!(POLICY_NAMES as readonly string[]).includes(n)) throw new Error(`unknown policy "${n}"; expected one of ${POLICY_NAMES.join(', ')}`);
  }
  return names as PolicyName[];
}

function parseEngineConfig(text: string | undefined): Partial<EngineConfig> | undefined {
  if (text === undefined) return undefined;
  let partial: Partial<EngineConfig>;
  try {
    partial = JSON.parse(text) as Partial<EngineConfig>;
  } catch (error) {
    throw new Error(`--engine-config is not JSON: ${(error as Error).message}`);
  }
  const problems = engineConfigProblems(partial);
  if (problems !== null) throw new Error(`--engine-config rejected by the engine's schema: ${problems}`);
  return partial;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', default: 'config/sim-default.json' },
      seed: { type: 'string' },
      hours: { type: 'string' },
      'arrivals-per-hour': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      policies: { type: 'string' },
      'truthfulness-hours': { type: 'string' },
      'engine-config': { type: 'string' },
      'models-dir': { type: 'string', default: 'models' },
      'model-version': { type: 'string' },
      'static-calibration': { type: 'boolean', default: false },
      'interference-feedback-out': { type: 'string' },
      'observe-every': { type: 'string' },
      'observe-policy': { type: 'string' },
      sweep: { type: 'string' },
    },
    strict: true,
  });
  const engineConfig = parseEngineConfig(values['engine-config']);
  let sweep: SweepSpec | undefined;
  if (values.sweep !== undefined) {
    // A sweep runs the baselines and Parley alone, without the truthfulness check or feedback export.
    for (const option of ['policies', 'truthfulness-hours', 'interference-feedback-out', 'observe-every', 'observe-policy'] as const) {
      if (values[option] !== undefined) throw new Error(`--${option} does not apply to --sweep (it runs priceOnly and kubeLike once, then parley per value)`);
    }
    sweep = parseSweep(values.sweep, engineConfig ?? {});
  }
  const scenario = overrideScenario(
    loadScenario(values.config!),
    {
      seed: optionalNumberOption('seed', values.seed, anyNumber),
      durationHours: optionalNumberOption('hours', values.hours, anyNumber),
      meanPerHour: optionalNumberOption('arrivals-per-hour', values['arrivals-per-hour'], anyNumber),
    },
    values.config!,
  );
  const log = (message: string) => process.stderr.write(`[simulate] ${message}\n`);
  const library = await loadTraceLibrary(scenario);
  log(`${library.bitbrains.length} Bitbrains and ${library.planetLab.length} PlanetLab VMs loaded`);
  const policies = parsePolicies(values.policies);
  // Only the full Parley policy runs a learned model: do not load one (nor fail on one) for a run without it.
  const models =
    policies && !policies.includes('parley')
      ? null
      : await loadParleyModels(
          log,
          values['models-dir']!,
          values['model-version'] ?? latestModelVersion(values['models-dir']!),
          !values['static-calibration'],
        );
  /** Ends a run: frees the model, writes the report into `--out` (or `defaultOut`), and with `--json` prints the result. */
  const finish = <R>(started: number, result: R, defaultOut: string, write: (dir: string, r: R, c: { command: string }) => void, file: string) => {
    models?.dispose();
    log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const out = values.out ?? defaultOut;
    write(out, result, { command: `npm run simulate -- ${process.argv.slice(2).join(' ')}`.trim() });
    log(`report written to ${out}/${file}`);
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  };
  if (sweep) {
    const started = Date.now();
    const result = runSweep(scenario, library, {
      spec: sweep,
      ...(models ? { parleyModels: models } : {}),
      ...(engineConfig ? { engineConfig } : {}),
      onProgress: log,
    });
    finish(started, result, `reports/sweep-${scenario.seed}-${sweep.key}`, writeSweepReport, 'frontier.md');
    return;
  }
  const feedbackOut = values['interference-feedback-out'];
  const feedback = feedbackOut ? createWriteStream(feedbackOut) : null;
  let observations = 0;
  const started = Date.now();
  const result = runExperiment(scenario, library, {
    ...(policies ? { policies } : {}),
    ...(models ? { parleyModels: models } : {}),
    ...(engineConfig ? { engineConfig } : {}),
    truthfulnessHours: optionalNumberOption('truthfulness-hours', values['truthfulness-hours'], nonNegative) ?? 12,
    onProgress: log,
    ...(feedback
      ? {
          observe: (batch: InterferenceObservation[]) => {
            // Five significant digits: the trace inputs carry no more, and the file is half the size.
            for (const o of batch) feedback.write(`${JSON.stringify(o, (_, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(5)) : v))}\n`);
            observations += batch.length;
          },
          observeEverySteps: optionalNumberOption('observe-every', values['observe-every'], positiveWhole) ?? 6,
          ...(values['observe-policy'] ? { observePolicy: parsePolicies(values['observe-policy'])![0]! } : {}),
        }
      : {}),
  });
  if (feedback) {
    await new Promise<void>((resolve, reject) => feedback.end((error?: Error | null) => (error ? reject(error) : resolve())));
    log(`${observations} interference observations written to ${feedbackOut}`);
  }
  finish(started, result, `reports/sim-${scenario.seed}`, writeReport, 'report.md');
}

main().catch((error: unknown) => {
  process.stderr.write(`simulate: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
