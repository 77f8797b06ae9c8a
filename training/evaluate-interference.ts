/**
 * `npx tsx training/evaluate-interference.ts --feedback file.jsonl [--models-dir models] [--version V] [--limit 1.2] [--json]`
 *
 * Scores a version's interference head on feedback observations (the format `train --interference-feedback` reads),
 * e.g. the simulator's feedback on a seed the head never saw: MAE and RMSE of the median against "always 1.0", the
 * upper quantile's coverage overall and per bin of its predicted value (a calibrated 0.9 quantile covers about 0.9
 * in every bin), and how well it ranks the observations over `--limit` (AUC: the chance that a violating observation
 * gets a higher predicted upper quantile than a non-violating one).
 */
import { parseArgs } from 'node:util';
import { nodeTotal } from '../src/features/interference.js';
import { loadVersion } from '../src/model/loaded-version.js';
import { readActivePointer } from '../src/model/registry.js';
import { between, numberOption } from '../src/cli/numberOption.js';
import { readObservations } from './fit-interference.js';

const BIN = 0.05;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      feedback: { type: 'string' },
      'models-dir': { type: 'string', default: 'models' },
      version: { type: 'string' },
      limit: { type: 'string', default: '1.2' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.feedback) throw new Error('--feedback file.jsonl is required');
  const limit = numberOption('limit', values.limit, between(1, Infinity, 'a slowdown ≥ 1'));
  const modelsDir = values['models-dir']!;
  const version = values.version ?? (await readActivePointer(modelsDir));
  if (!version) throw new Error(`no --version and no active version in ${modelsDir}`);
  const loaded = await loadVersion(modelsDir, version);
  const head = loaded.learnedInterference;
  const observations = await readObservations(values.feedback);
  let absError = 0;
  let squared = 0;
  let baselineAbs = 0;
  let baselineSquared = 0;
  let covered = 0;
  const bins = new Map<number, { n: number; covered: number }>();
  const scored: { upper: number; violated: boolean }[] = [];
  for (const o of observations) {
    const q = head.quantiles(o.own, { id: 'node', ...o.node }, nodeTotal(o.own, o.coRunners));
    absError += Math.abs(q.median - o.slowdown);
    squared += (q.median - o.slowdown) ** 2;
    baselineAbs += Math.abs(1 - o.slowdown);
    baselineSquared += (1 - o.slowdown) ** 2;
    const hit = o.slowdown <= q.upper ? 1 : 0;
    covered += hit;
    const bin = Math.floor((q.upper - 1) / BIN) * BIN;
    const b = bins.get(bin) ?? { n: 0, covered: 0 };
    b.n++;
    b.covered += hit;
    bins.set(bin, b);
    scored.push({ upper: q.upper, violated: o.slowdown > limit });
  }
  const n = observations.length;
  const report = {
    version,
    observations: n,
    upperQuantile: head.upperQuantile,
    median: { mae: absError / n, rmse: Math.sqrt(squared / n) },
    alwaysOne: { mae: baselineAbs / n, rmse: Math.sqrt(baselineSquared / n) },
    coverage: covered / n,
    coverageByPredictedUpper: [...bins.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([from, b]) => ({ from: 1 + from, to: 1 + from + BIN, observations: b.n, coverage: b.covered / b.n })),
    violations: { limit, observations: scored.filter((s) => s.violated).length, auc: auc(scored) },
  };
  loaded.dispose();
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  console.log(`${version} on ${n} observations: median MAE ${report.median.mae.toFixed(4)} (always 1.0: ${report.alwaysOne.mae.toFixed(4)}), ` +
    `RMSE ${report.median.rmse.toFixed(4)} (${report.alwaysOne.rmse.toFixed(4)}); q${report.upperQuantile} coverage ${report.coverage.toFixed(3)}; ` +
    `AUC for slowdown > ${limit}: ${report.violations.auc.toFixed(3)} (${report.violations.observations} such)`);
  for (const b of report.coverageByPredictedUpper) console.log(`  predicted q in [${b.from.toFixed(2)}, ${b.to.toFixed(2)}): ${b.observations} observations, coverage ${b.coverage.toFixed(3)}`);
}

/** Mann-Whitney AUC of `upper` for `violated`, ties counted half. */
function auc(scored: { upper: number; violated: boolean }[]): number {
  const sorted = [...scored].sort((a, b) => a.upper - b.upper);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j]!.upper === sorted[i]!.upper) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (sorted[k]!.violated) { rankSum += rank; positives++; }
    i = j;
  }
  const negatives = sorted.length - positives;
  return positives === 0 || negatives === 0 ? Number.NaN : (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

main().catch((error: unknown) => {
  console.error(`evaluate-interference failed: ${(error as Error).message}`);
  process.exit(1);
});
