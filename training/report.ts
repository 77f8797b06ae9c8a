import type { EvaluationReport, ReadingName, TargetReport } from './evaluation.js';
import { verdicts } from './evaluation.js';

const READING_LABELS: Record<ReadingName, string> = {
  raw: 'best baseline, any coverage',
  rawCovered: 'best baseline with coverage ≥ target level',
  calibrated: 'best calibrated baseline, any coverage',
  calibratedCovered: 'best calibrated baseline with coverage ≥ target level',
};

/** Every predictor of a target: the model, each baseline, each calibrated baseline (`<name>+cal`). */
function entries(t: TargetReport): [string, NonNullable<TargetReport['model']>][] {
  return [
    ...(t.model ? [['MODEL', t.model] as [string, NonNullable<TargetReport['model']>]] : []),
    ...Object.entries(t.baselines),
    ...Object.entries(t.calibratedBaselines ?? {}).map(([name, m]) => [`${name}+cal`, m] as [string, NonNullable<TargetReport['model']>]),
  ];
}

const fmt = (x: number | undefined) => (x === undefined ? '' : Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4));

/** A plain-text table: one block per target, one row for the model and one per baseline. */
export function formatTable(report: EvaluationReport): string {
  const lines = [
    `split: ${report.split}  examples: ${report.examples}  instances: ${report.instances}  model: ${report.model ?? '(none)'}` +
      (report.onlineRecalibration ? `  quantile heads recalibrated online (gain ${report.onlineRecalibration.gain}, p95 target coverage ${report.onlineRecalibration.targetCoverage})` : ''),
  ];
  const header = ['target', 'predictor', 'MAE', 'RMSE', 'pinball', 'coverage', 'slack', 'bucket acc'];
  const rows: string[][] = [header];
  for (const [target, t] of Object.entries(report.targets)) {
    for (const [name, m] of entries(t)) {
      rows.push([target, name, fmt(m.mae), fmt(m.rmse), fmt(m.pinball), m.coverage.toFixed(3), fmt(m.slack), m.bucketAccuracy === undefined ? '' : m.bucketAccuracy.toFixed(3)]);
    }
    if (!t.model) continue;
    for (const [reading, r] of Object.entries(t.readings ?? {})) {
      const delta = r.delta === null ? 'n/a' : `${(r.delta * 100).toFixed(1)}%`;
      rows.push([target, `Δ MAE vs ${READING_LABELS[reading as ReadingName]} (${r.baseline})`, delta, '', '', '', '', '']);
    }
  }
  const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) lines.push(r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  if (Object.values(report.targets).some((t) => t.model)) {
    lines.push('', 'issue targets (met needs the model\'s coverage ≥ 0.95 and the Δ under that reading):');
    for (const v of verdicts(report)) {
      const parts = Object.entries(v.readings).map(
        ([reading, r]) => `${reading} ${r.delta === null ? 'n/a' : `${(r.delta * 100).toFixed(1)}%`} vs ${r.baseline}: ${r.met ? 'met' : 'not met'}`,
      );
      lines.push(`  ${v.target} (${v.text}); coverage ${v.modelCoverage?.toFixed(3) ?? 'n/a'}: ${parts.join('; ')}`);
    }
  }
  return lines.join('\n');
}

/**
 * The JSON shape of the issue: targets → model/baselines → {mae, coverage, pinball} (plus rmse, slack), and per
 * target `calibratedBaselines` and `readings`; `issueTargets` judges the issue's targets under every reading, and
 * `baselineCalibration` says how the calibrated baselines were calibrated.
 */
export function toJson(report: EvaluationReport): object {
  return {
    model: report.model,
    split: report.split,
    examples: report.examples,
    instances: report.instances,
    targets: report.targets,
    ...(report.model ? { issueTargets: verdicts(report) } : {}),
    ...(report.baselineCalibration ? { baselineCalibration: report.baselineCalibration } : {}),
    ...(report.onlineRecalibration ? { onlineRecalibration: report.onlineRecalibration } : {}),
  };
}

const PALETTE = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666', '#1f78b4', '#b2df8a', '#fb9a99', '#cab2d6', '#ffff99', '#b15928', '#a6cee3'];

/**
 * An SVG bar chart: for each target, MAE of the model, of every baseline and of every calibrated baseline relative to
 * the best calibrated baseline that reaches the target's coverage (else the best covered, else the best baseline;
 * 1.0 = that baseline; lower is better), each bar's coverage in its tooltip.
 */
export function svgChart(report: EvaluationReport, targets: string[]): string {
  const names = [...new Set(targets.flatMap((t) => (report.targets[t] ? entries(report.targets[t]!).map(([name]) => name) : [])))];
  const groupWidth = names.length * 14 + 30;
  const width = 80 + targets.length * groupWidth;
  const height = 360;
  const plotTop = 40;
  const plotBottom = 250;
  const maxRel = 3;
  const y = (v: number) => plotBottom - (Math.min(v, maxRel) / maxRel) * (plotBottom - plotTop);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="10">`,
    `<text x="10" y="20" font-size="13">MAE relative to the best calibrated baseline reaching the target coverage (lower is better), split: ${report.split}, model: ${report.model ?? 'none'}</text>`,
    `<line x1="60" x2="${width - 10}" y1="${y(1)}" y2="${y(1)}" stroke="#999" stroke-dasharray="4 3"/>`,
    `<text x="8" y="${y(1) + 3}">1.0 = best</text>`,
  ];
  targets.forEach((target, g) => {
    const t = report.targets[target];
    if (!t) return;
    const byName = new Map(entries(t));
    const reference = t.readings?.calibratedCovered ?? t.readings?.rawCovered ?? t.readings?.raw;
    const x0 = 70 + g * groupWidth;
    names.forEach((name, i) => {
      const m = byName.get(name);
      if (!m) return;
      const rel = reference && reference.mae > 0 ? m.mae / reference.mae : 1;
      const x = x0 + i * 14;
      parts.push(`<rect x="${x}" y="${y(rel)}" width="12" height="${plotBottom - y(rel)}" fill="${PALETTE[i % PALETTE.length]}"><title>${name}: MAE ${fmt(m.mae)}, coverage ${m.coverage.toFixed(3)}</title></rect>`);
    });
    parts.push(`<text x="${x0}" y="${plotBottom + 14}">${target}</text>`);
  });
  names.forEach((name, i) => {
    const x = 70 + (i % 4) * 170;
    const yy = plotBottom + 34 + Math.floor(i / 4) * 14;
    parts.push(`<rect x="${x}" y="${yy - 9}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text x="${x + 14}" y="${yy}">${name}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
