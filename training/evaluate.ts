/**
 * `npm run evaluate -- --trace bitbrains:<path> [--model <version>] [--models-dir models] [--split both]
 *   [--stride-minutes 60] [--history-hours 24] [--declared-peak provisioned|observed] [--online] [--json] [--svg reports/evaluation.svg]`
 *
 * Scores the active (or a named) model, every baseline and every calibrated baseline on a trace, with a temporal
 * split (the later 30 % of the days) and a split by instance (1 in 5 instances by hash). Rows the model was trained
 * on (its manifest lists the instances and the last training time) are excluded, so a model is never scored on its
 * training data. The baselines are calibrated as training calibrates the model (training/calibration.ts) on this
 * trace's validation rows; the model keeps the calibration it was trained with. `--history-hours H` gives every example
 * (and every baseline) only the last H hours of history, as a service keeping fewer samples would (same anchors).
 * `--declared-peak observed` has every instance declare the most it used in its first day as its peak (tight, as the
 * simulator's clients do) instead of its provisioned capacity (src/features/declare.ts). `--online` recalibrates the
 * quantile heads of the model and of every calibrated baseline online over the test rows, as the service does from
 * its feedback (src/model/onlineCalibration.ts, training/onlineEvaluation.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { loadVersion, type LoadedVersion } from '../src/model/loaded-version.js';
import { initTfBackend } from '../src/model/backend.js';
import { readActivePointer } from '../src/model/registry.js';
import { parseTraceRef } from '../src/traces/open.js';
import { between, numberOption, optionalNumberOption, positive } from '../src/cli/numberOption.js';
import { DECLARED_PEAKS, type DeclaredPeak } from '../src/features/declare.js';
import type { Dataset } from './dataset.js';
import { selectRows } from './dataset.js';
import { calibrateBaselines } from './calibration.js';
import { evaluateRows, type EvaluationReport } from './evaluation.js';
import { loadDataset } from './load.js';
import { formatTable, svgChart, toJson } from './report.js';
import { SPLITS, splitDataset, type SplitKind } from './split.js';

/** Rows of `test` the model did not see in training. */
function unseenRows(dataset: Dataset, test: Int32Array, format: string, loaded: LoadedVersion | null): Int32Array {
  if (!loaded) return test;
  const data = loaded.manifest.data as { trainedInstances?: string[]; trainedUntil?: number };
  const trained = new Set(data.trainedInstances ?? []);
  const until = data.trainedUntil ?? Number.POSITIVE_INFINITY;
  const keep = new Set(test);
  return selectRows(dataset, (i) => keep.has(i) && (!trained.has(`${format}:${dataset.instanceIds[dataset.instance[i]!]}`) || dataset.at[i]! >= until));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      trace: { type: 'string' },
      model: { type: 'string' },
      'models-dir': { type: 'string', default: 'models' },
      'no-model': { type: 'boolean', default: false },
      split: { type: 'string', default: 'both' },
      'stride-minutes': { type: 'string', default: '60' },
      'history-hours': { type: 'string' },
      'declared-peak': { type: 'string', default: 'provisioned' },
      online: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      svg: { type: 'string', default: 'reports/evaluation.svg' },
    },
  });
  const log = (line: string) => console.error(`[evaluate] ${line}`);
  if (!values.trace) throw new Error('--trace <format>:<path> is required, e.g. --trace bitbrains:data/bitbrains-rnd-2013-07-sample.tar.gz');
  const ref = parseTraceRef(values.trace);
  const splits: SplitKind[] = values.split === 'both' ? ['temporal', 'instance'] : [values.split as SplitKind];
  if (!splits.every((s) => SPLITS.includes(s))) throw new Error(`--split must be both, ${SPLITS.join(' or ')}`);
  const strideMinutes = numberOption('stride-minutes', values['stride-minutes'], positive);
  const historyHours = optionalNumberOption('history-hours', values['history-hours'], between(1, 24, 'a number of hours from 1 (one horizon) to 24'));
  const declaredPeak = values['declared-peak'] as DeclaredPeak;
  if (!DECLARED_PEAKS.includes(declaredPeak)) throw new Error(`--declared-peak must be ${DECLARED_PEAKS.join(' or ')}, got "${values['declared-peak']}"`);

  let loaded: LoadedVersion | null = null;
  if (!values['no-model']) {
    await initTfBackend(log);
    const version = values.model ?? (await readActivePointer(values['models-dir']));
    if (!version) throw new Error(`no --model given and ${values['models-dir']}/active.json names none (use --no-model for baselines only)`);
    loaded = await loadVersion(values['models-dir'], version);
    log(`model ${version} (trained on ${String(loaded.manifest.data['trace'])}, split ${String(loaded.manifest.data['split'])})`);
  }
  const dataset = await loadDataset(
    ref,
    { strideMinutes, declaredPeak, ...(historyHours !== undefined ? { historyHours } : {}) },
    log,
  );
  const reports: EvaluationReport[] = [];
  for (const kind of splits) {
    const parts = splitDataset(dataset, kind);
    const rows = unseenRows(dataset, parts.test, ref.format, loaded);
    log(`${kind} split: ${rows.length} test examples the model has not seen`);
    const model = loaded ? { version: loaded.version, network: loaded.predictor.network } : null;
    // The baselines get the calibration procedure training gives the model, on this trace's validation rows.
    reports.push(evaluateRows(dataset, rows, kind, model, calibrateBaselines(dataset, parts), { online: values.online }));
  }
  for (const report of reports) {
    const path = reports.length > 1 ? values.svg.replace(/(\.svg)?$/, `-${report.split}.svg`) : values.svg;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, svgChart(report, ['cpu_mean', 'cpu_p95', 'memory_p95', 'network_p95']));
    log(`chart: ${path}`);
  }
  if (values.json) {
    const [primary] = reports;
    const json = {
      ...(toJson(primary!) as object),
      splits: Object.fromEntries(reports.map((r) => [r.split, toJson(r)])),
    };
    console.log(JSON.stringify(json, null, 2));
  } else {
    console.log(reports.map(formatTable).join('\n\n'));
  }
  loaded?.dispose();
}

main().catch((error: unknown) => {
  console.error(`evaluate failed: ${(error as Error).message}`);
  process.exitCode = 1;
});
