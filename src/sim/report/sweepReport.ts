/**
 * Writes a sweep's report into a directory: `frontier.md` (the baselines and one row per value, with the targets each
 * meets), `frontier.svg` (welfare against QoS violation hours, the region where the targets hold shaded) and
 * `sweep.json` (the full result, the same object `--json` prints).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepResult } from '../sweep.js';
import { SWEEP_BASELINES } from '../sweep.js';
import { ratio, TARGET_BOUNDS } from '../targets.js';
import { fmt, pct, table } from './format.js';
import { scatterChart } from './scatterChart.js';

/** Where the welfare and QoS targets hold (targets.ts): welfare ≥ 1.2 × both baselines', QoS hours ≤ 0.5 × kubeLike's. */
export function targetRegion(result: SweepResult): { xMax: number; yMin: number } {
  const { priceOnly, kubeLike } = result.baselines;
  return {
    xMax: TARGET_BOUNDS.qosRatio * kubeLike.qosViolationHours,
    yMin: TARGET_BOUNDS.welfareRatio * Math.max(priceOnly.welfare, kubeLike.welfare),
  };
}

export function renderSweepMarkdown(result: SweepResult, context: { command: string; date?: string }): string {
  const { priceOnly, kubeLike } = result.baselines;
  const out: string[] = [];
  out.push(`# Sweep of \`${result.key}\`: scenario "${result.scenario}", seed ${result.seed}`, '');
  out.push(
    `Command: \`${context.command}\`${context.date ? ` (${context.date})` : ''}. ${result.nodes} nodes, ` +
      `${result.workloads} workloads over ${result.durationHours} h, offered value ${fmt(result.offeredValue.total, 1)}. ` +
      `The baselines ran once; Parley (the full policy) once per value, on the same bid stream` +
      (Object.keys(result.baseEngineConfig).length > 0 ? `, with the engine config overrides ${JSON.stringify(result.baseEngineConfig)}` : '') +
      '. Definitions: docs/simulation.md.',
    '',
  );
  for (const note of result.notes) out.push(`> ${note}`, '');
  out.push('## Baselines', '');
  out.push(
    table(
      ['policy', 'welfare', 'QoS viol. h', 'used CPU', 'crit+high int./inst-month', 'contract viol.'],
      SWEEP_BASELINES.map((name) => {
        const m = result.baselines[name];
        return [name, fmt(m.welfare, 1), fmt(m.qosViolationHours, 1), pct(m.usedUtilization), fmt(m.highPriorityInterruptionRate, 3), m.contractViolations];
      }),
    ),
    '',
  );
  out.push(`## Parley per value of \`${result.key}\``, '');
  out.push(
    table(
      [result.key, 'welfare', '÷ priceOnly', '÷ kubeLike', 'QoS viol. h', '÷ kubeLike', 'over-cap node-h', 'crit+high int./inst-month', 'used CPU ÷ kubeLike', 'contract viol.', 'targets missed'],
      result.points.map((p) => {
        const m = p.parley;
        const missed = p.targets.filter((t) => !t.met).map((t) => t.name);
        return [
          p.value,
          fmt(m.welfare, 1),
          fmt(ratio(m.welfare, priceOnly.welfare), 3),
          fmt(ratio(m.welfare, kubeLike.welfare), 3),
          fmt(m.qosViolationHours, 1),
          fmt(ratio(m.qosViolationHours, kubeLike.qosViolationHours), 2),
          fmt(m.overCapacityNodeHours, 2),
          fmt(m.highPriorityInterruptionRate, 3),
          fmt(ratio(m.usedUtilization, kubeLike.usedUtilization), 2),
          m.contractViolations,
          missed.length === 0 ? 'none: **every target met**' : missed.join('; '),
        ];
      }),
    ),
    '',
  );
  const region = targetRegion(result);
  out.push(
    `Every target holds at ${result.points.filter((p) => p.allMet).length} of ${result.points.length} values. The welfare and QoS ` +
      `targets together need welfare ≥ ${fmt(region.yMin, 1)} (${TARGET_BOUNDS.welfareRatio} × the larger baseline) at QoS ` +
      `violation hours ≤ ${fmt(region.xMax, 1)} (${TARGET_BOUNDS.qosRatio} × kubeLike): the shaded region of the chart.`,
    '',
  );
  out.push('## Chart', '', '![Welfare against QoS violation hours](frontier.svg)', '');
  return out.join('\n');
}

export function sweepChart(result: SweepResult): string {
  const { priceOnly, kubeLike } = result.baselines;
  return scatterChart({
    title: `Welfare against QoS violation hours, sweeping ${result.key} (seed ${result.seed})`,
    xLabel: 'QoS violation instance-hours',
    yLabel: 'welfare',
    region: { ...targetRegion(result), label: 'welfare and QoS targets' },
    series: [
      {
        label: `parley (${result.key})`,
        color: '#1f6feb',
        connect: true,
        points: result.points.map((p) => ({ x: p.parley.qosViolationHours, y: p.parley.welfare, label: String(p.value) })),
      },
      { label: 'priceOnly', color: '#bf8700', points: [{ x: priceOnly.qosViolationHours, y: priceOnly.welfare, label: 'priceOnly' }] },
      { label: 'kubeLike', color: '#8250df', points: [{ x: kubeLike.qosViolationHours, y: kubeLike.welfare, label: 'kubeLike' }] },
    ],
  });
}

export function writeSweepReport(dir: string, result: SweepResult, context: { command: string }): void {
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  writeFileSync(join(dir, 'frontier.md'), renderSweepMarkdown(result, { ...context, date }));
  writeFileSync(join(dir, 'frontier.svg'), sweepChart(result));
  writeFileSync(join(dir, 'sweep.json'), `${JSON.stringify(result, null, 2)}\n`);
}
