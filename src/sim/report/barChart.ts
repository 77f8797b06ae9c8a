/**
 * A horizontal bar chart as a standalone SVG string: one bar per category, the value printed at its end, and an
 * optional dashed target line. Enough for the simulator's report; no charting dependency.
 */
import { escapeXml, svgStart } from './format.js';

export interface BarChartSpec {
  title: string;
  unit: string;
  bars: { label: string; value: number; highlight?: boolean }[];
  /** A reference value drawn as a dashed vertical line (e.g. a target), with its label. */
  reference?: { value: number; label: string };
  /** Digits after the decimal point in printed values. */
  digits?: number;
}

const WIDTH = 640;
const LABEL_WIDTH = 150;
const VALUE_WIDTH = 90;
const BAR_HEIGHT = 22;
const GAP = 8;
const TOP = 36;

export function barChart(spec: BarChartSpec): string {
  const digits = spec.digits ?? 2;
  const values = spec.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0));
  const max = Math.max(1e-12, ...values, spec.reference?.value ?? 0);
  const plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const height = TOP + spec.bars.length * (BAR_HEIGHT + GAP) + 24;
  const x = (v: number) => LABEL_WIDTH + (Math.max(0, v) / max) * plot;
  const rows = spec.bars.map((bar, i) => {
    const y = TOP + i * (BAR_HEIGHT + GAP);
    const v = values[i]!;
    const fill = bar.highlight ? '#1f6feb' : '#8b949e';
    return [
      `<text x="${LABEL_WIDTH - 8}" y="${y + BAR_HEIGHT * 0.7}" text-anchor="end">${escapeXml(bar.label)}</text>`,
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${(x(v) - LABEL_WIDTH).toFixed(1)}" height="${BAR_HEIGHT}" fill="${fill}"/>`,
      `<text x="${(x(v) + 6).toFixed(1)}" y="${y + BAR_HEIGHT * 0.7}">${v.toFixed(digits)}</text>`,
    ].join('');
  });
  const reference = spec.reference
    ? `<line x1="${x(spec.reference.value).toFixed(1)}" y1="${TOP - 6}" x2="${x(spec.reference.value).toFixed(1)}" y2="${height - 18}" stroke="#d1242f" stroke-dasharray="4 3"/>` +
      `<text x="${x(spec.reference.value).toFixed(1)}" y="${height - 4}" text-anchor="middle" fill="#d1242f">${escapeXml(spec.reference.label)}</text>`
    : '';
  return [
    ...svgStart(WIDTH, height, { x: LABEL_WIDTH, y: 20, text: `${spec.title} (${spec.unit})` }),
    ...rows,
    reference,
    '</svg>',
    '',
  ].join('\n');
}
