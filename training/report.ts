import type { EvaluationReport } from './evaluation.js';
import { bestBaseline, requiredCoverage } from './evaluation.js';

const fmt = (x: number | undefined) => (x === undefined ? '' : Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4));

/** A plain-text table: one block per target, one row for the model and one per baseline. */
export function formatTable(report: EvaluationReport): string {
  const lines = [
    `split: ${report.split}  examples: ${report.examples}  instances: ${report.instances}  model: ${report.model ?? '(none)'}`,
  ];
  const header = ['target', 'predictor', 'MAE', 'RMSE', 'pinball', 'coverage', 'slack', 'bucket acc'];
  const rows: string[][] = [header];
  for (const [target, t] of Object.entries(report.targets)) {
    const entries = [...(t.model ? [['MODEL', t.model] as const] : []), ...Object.entries(t.baselines)];
    for (const [name, m] of entries) {
      rows.push([target, name, fmt(m.mae), fmt(m.rmse), fmt(m.pinball), m.coverage.toFixed(3), fmt(m.slack), m.bucketAccuracy === undefined ? '' : m.bucketAccuracy.toFixed(3)]);
    }
    if (t.model) {
      const [best, bm] = bestBaseline(t);
      rows.push([target, `Δ MAE vs best (${best})`, `${(((t.model.mae - bm.mae) / bm.mae) * 100).toFixed(1)}%`, '', '', '', '', '']);
      const minCoverage = requiredCoverage(target);
      if (minCoverage > 0) {
        const [covered, cm] = bestBaseline(t, minCoverage);
        const label = `Δ MAE vs best with coverage ≥ ${minCoverage} (${covered})`;
        rows.push([target, label, `${(((t.model.mae - cm.mae) / cm.mae) * 100).toFixed(1)}%`, '', '', '', '', '']);
      }
    }
  }
  const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) lines.push(r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  return lines.join('\n');
}

/** The JSON shape of the issue: targets → model/baselines → {mae, coverage, pinball} (plus rmse, slack). */
export function toJson(report: EvaluationReport): object {
  return {
    model: report.model,
    split: report.split,
    examples: report.examples,
    instances: report.instances,
    targets: report.targets,
  };
}

const PALETTE = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666'];

/**
 * An SVG bar chart: for each target, MAE of the model and of every baseline relative to the best baseline
 * (1.0 = best baseline; lower is better), with each bar's coverage printed above it.
 */
export function svgChart(report: EvaluationReport, targets: string[]): string {
  const names = ['MODEL', ...Object.keys(Object.values(report.targets)[0]?.baselines ?? {})];
  const groupWidth = names.length * 14 + 30;
  const width = 80 + targets.length * groupWidth;
  const height = 320;
  const plotTop = 40;
  const plotBottom = 250;
  const maxRel = 3;
  const y = (v: number) => plotBottom - (Math.min(v, maxRel) / maxRel) * (plotBottom - plotTop);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="10">`,
    `<text x="10" y="20" font-size="13">MAE relative to the best baseline (lower is better), split: ${report.split}, model: ${report.model ?? 'none'}</text>`,
    `<line x1="60" x2="${width - 10}" y1="${y(1)}" y2="${y(1)}" stroke="#999" stroke-dasharray="4 3"/>`,
    `<text x="8" y="${y(1) + 3}">1.0 = best</text>`,
  ];
  targets.forEach((target, g) => {
    const t = report.targets[target];
    if (!t) return;
    const [, best] = bestBaseline(t);
    const x0 = 70 + g * groupWidth;
    names.forEach((name, i) => {
      const m = name === 'MODEL' ? t.model : t.baselines[name];
      if (!m) return;
      const rel = best.mae > 0 ? m.mae / best.mae : 1;
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
