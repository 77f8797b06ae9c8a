/**
 * A scatter chart as a standalone SVG string: series of labelled points (optionally joined in order), axes with round
 * ticks, and an optional shaded target region (x at most one bound, y at least another). For the sweep report's
 * welfare against QoS violation hours; no charting dependency.
 */
import { escapeXml, svgStart } from './format.js';

export interface ScatterPoint {
  x: number;
  y: number;
  label?: string;
}

export interface ScatterSeries {
  label: string;
  color: string;
  /** Join the points in the order given. */
  connect?: boolean;
  points: ScatterPoint[];
}

export interface ScatterSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ScatterSeries[];
  /** Where every target holds: x ≤ xMax and y ≥ yMin. */
  region?: { xMax: number; yMin: number; label: string };
}

const WIDTH = 640;
const HEIGHT = 440;
const LEFT = 70;
const RIGHT = 20;
const TOP = 40;
const BOTTOM = 80;

/** A round step (1, 2 or 5 × 10^k) giving about `count` intervals over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / magnitude;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * magnitude;
}

/** An axis range that contains every value, widened to whole ticks. */
function axis(values: number[], fromZero: boolean): { min: number; max: number; step: number } {
  const finite = values.filter(Number.isFinite);
  let lo = fromZero ? 0 : Math.min(...finite);
  let hi = Math.max(...finite);
  if (finite.length === 0) [lo, hi] = [0, 1];
  if (hi - lo < 1e-9) [lo, hi] = [lo - 1, hi + 1];
  const step = niceStep(hi - lo, 5);
  return { min: Math.floor(lo / step) * step, max: Math.ceil(hi / step) * step, step };
}

const tickText = (v: number, step: number) => v.toFixed(Math.max(0, -Math.floor(Math.log10(step))));

export function scatterChart(spec: ScatterSpec): string {
  const all = spec.series.flatMap((s) => s.points);
  const xs = axis([...all.map((p) => p.x), ...(spec.region ? [spec.region.xMax] : [])], true);
  const ys = axis([...all.map((p) => p.y), ...(spec.region ? [spec.region.yMin] : [])], false);
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const x = (v: number) => LEFT + ((v - xs.min) / (xs.max - xs.min)) * plotW;
  const y = (v: number) => TOP + plotH - ((v - ys.min) / (ys.max - ys.min)) * plotH;
  const out = svgStart(WIDTH, HEIGHT, { x: LEFT, y: 22, text: spec.title });
  if (spec.region) {
    const x0 = x(xs.min);
    const x1 = Math.min(x(spec.region.xMax), x(xs.max));
    const yTop = y(ys.max);
    const y1 = Math.max(yTop, y(spec.region.yMin));
    out.push(
      `<rect x="${x0.toFixed(1)}" y="${yTop.toFixed(1)}" width="${Math.max(0, x1 - x0).toFixed(1)}" height="${Math.max(0, y1 - yTop).toFixed(1)}" fill="#2da44e" fill-opacity="0.12" stroke="#2da44e" stroke-dasharray="4 3"/>`,
      `<text x="${(x0 + 6).toFixed(1)}" y="${(yTop + 16).toFixed(1)}" fill="#1a7f37">${escapeXml(spec.region.label)}</text>`,
    );
  }
  for (let v = xs.min; v <= xs.max + xs.step / 2; v += xs.step) {
    out.push(
      `<line x1="${x(v).toFixed(1)}" y1="${TOP}" x2="${x(v).toFixed(1)}" y2="${TOP + plotH}" stroke="#eaeef2"/>`,
      `<text x="${x(v).toFixed(1)}" y="${TOP + plotH + 16}" text-anchor="middle">${tickText(v, xs.step)}</text>`,
    );
  }
  for (let v = ys.min; v <= ys.max + ys.step / 2; v += ys.step) {
    out.push(
      `<line x1="${LEFT}" y1="${y(v).toFixed(1)}" x2="${LEFT + plotW}" y2="${y(v).toFixed(1)}" stroke="#eaeef2"/>`,
      `<text x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${tickText(v, ys.step)}</text>`,
    );
  }
  out.push(
    `<rect x="${LEFT}" y="${TOP}" width="${plotW}" height="${plotH}" fill="none" stroke="#57606a"/>`,
    `<text x="${LEFT + plotW / 2}" y="${TOP + plotH + 36}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
    `<text transform="translate(16 ${TOP + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  );
  spec.series.forEach((series, i) => {
    const pts = series.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (series.connect && pts.length > 1) {
      const path = pts.map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ');
      out.push(`<polyline points="${path}" fill="none" stroke="${series.color}" stroke-width="1.5"/>`);
    }
    for (const p of pts) {
      out.push(`<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="4" fill="${series.color}"/>`);
      if (p.label) out.push(`<text x="${(x(p.x) + 7).toFixed(1)}" y="${(y(p.y) - 6).toFixed(1)}" fill="${series.color}">${escapeXml(p.label)}</text>`);
    }
    // Legend, one entry per series along the bottom.
    const lx = LEFT + i * 160;
    const ly = HEIGHT - 14;
    out.push(`<circle cx="${lx + 4}" cy="${ly - 4}" r="4" fill="${series.color}"/>`, `<text x="${lx + 12}" y="${ly}">${escapeXml(series.label)}</text>`);
  });
  out.push('</svg>', '');
  return out.join('\n');
}
