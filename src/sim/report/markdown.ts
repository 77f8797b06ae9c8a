/**
 * Writes an experiment's report into a directory: `report.md` (tables), one SVG chart per headline metric, and
 * `results.json` (the full result, the same object `--json` prints).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIORITY_CLASSES, type PriorityClass } from '../../market/types.js';
import type { ExperimentResult } from '../experiment.js';
import { VALUE_LOST_PARTS, type PolicyMetrics } from '../metrics.js';
import { POLICY_NAMES, type PolicyName } from '../policies/policy.js';
import { barChart } from './barChart.js';
import { fmt, pct, table } from './format.js';
import { TARGET_BOUNDS } from '../targets.js';

interface ChartSpec {
  file: string;
  title: string;
  unit: string;
  value: (m: PolicyMetrics) => number;
  digits: number;
  reference?: (policies: ExperimentResult['policies']) => { value: number; label: string } | undefined;
}

const CHARTS: ChartSpec[] = [
  {
    file: 'welfare.svg',
    title: 'Welfare: true value of retained work',
    unit: 'currency units',
    value: (m) => m.welfare,
    digits: 1,
    reference: (p) => (p.priceOnly ? { value: TARGET_BOUNDS.welfareRatio * p.priceOnly.welfare, label: `${TARGET_BOUNDS.welfareRatio}× priceOnly` } : undefined),
  },
  {
    file: 'used-utilization.svg',
    title: 'Used CPU utilization',
    unit: 'share of capacity',
    value: (m) => m.usedUtilization,
    digits: 3,
    reference: (p) => (p.kubeLike ? { value: TARGET_BOUNDS.usedUtilizationRatio * p.kubeLike.usedUtilization, label: `${TARGET_BOUNDS.usedUtilizationRatio}× kubeLike` } : undefined),
  },
  {
    file: 'qos-violation-hours.svg',
    title: 'QoS violations: instance-hours at slowdown > threshold',
    unit: 'instance-hours',
    value: (m) => m.qosViolationHours,
    digits: 1,
    reference: (p) => (p.kubeLike ? { value: TARGET_BOUNDS.qosRatio * p.kubeLike.qosViolationHours, label: `${TARGET_BOUNDS.qosRatio}× kubeLike` } : undefined),
  },
  {
    file: 'high-priority-interruptions.svg',
    title: 'Critical + high interruptions per instance-month',
    unit: 'per instance-month',
    value: (m) => m.highPriorityInterruptionRate,
    digits: 3,
    reference: () => ({ value: TARGET_BOUNDS.highPriorityInterruptionRate, label: `${100 * TARGET_BOUNDS.highPriorityInterruptionRate}%` }),
  },
  { file: 'revenue.svg', title: 'Provider revenue', unit: 'currency units', value: (m) => m.revenue, digits: 1 },
];

function present(result: ExperimentResult): [PolicyName, PolicyMetrics][] {
  return POLICY_NAMES.filter((n) => result.policies[n]).map((n) => [n, result.policies[n]!]);
}

export function renderMarkdown(result: ExperimentResult, context: { command: string; date?: string }): string {
  const rows = present(result);
  const out: string[] = [];
  out.push(`# Simulation report: scenario "${result.scenario}", seed ${result.seed}`, '');
  out.push(
    `Command: \`${context.command}\`${context.date ? ` (${context.date})` : ''}. ${result.nodes} nodes, ` +
      `${result.workloads} workloads over ${result.durationHours} h. Definitions: docs/simulation.md.`,
    '',
  );
  for (const note of result.notes) out.push(`> ${note}`, '');
  out.push('## Summary', '');
  out.push(
    table(
      ['policy', 'predictor', 'welfare', 'revenue', 'fees', 'used CPU', 'QoS viol. h', 'over-cap node-h', 'crit+high int./inst-month', 'contract viol.', 'notice honoured', 'completed', 'starvation h'],
      rows.map(([n, m]) => [
        n,
        m.predictor,
        fmt(m.welfare, 1),
        fmt(m.revenue, 1),
        fmt(m.feesPaid, 2),
        pct(m.usedUtilization),
        fmt(m.qosViolationHours, 1),
        fmt(m.overCapacityNodeHours, 1),
        fmt(m.highPriorityInterruptionRate, 3),
        m.contractViolations,
        pct(m.noticeHonoured),
        `${m.completed}/${m.submitted}`,
        fmt(m.starvationSeconds / 3600, 1),
      ]),
    ),
    '',
  );
  if (result.targets.length > 0) {
    out.push('## Targets (Parley vs baselines)', '');
    out.push(
      table(
        ['target', 'measured', 'bound', 'met'],
        result.targets.map((t) => [t.name, fmt(t.measured, 3), `${t.comparison} ${t.bound}`, t.met ? 'yes' : '**no**']),
      ),
      '',
    );
  }
  out.push(...offeredValueSection(result, rows));
  out.push('## Utilization per resource (reserved / used)', '');
  out.push(
    table(
      ['policy', 'cpu', 'memory', 'network'],
      rows.map(([n, m]) => [
        n,
        ...(['cpu', 'memory', 'network'] as const).map((r) => `${pct(m.reservedUtilization[r])} / ${pct(m.usedUtilizationByResource[r])}`),
      ]),
    ),
    '',
  );
  out.push('## Interruptions per instance-month by priority class (AWS Spot Advisor buckets)', '');
  out.push(
    table(
      ['policy', ...PRIORITY_CLASSES.map((c) => `${c}`)],
      rows.map(([n, m]) => [
        n,
        ...PRIORITY_CLASSES.map((c) => {
          const k = m.interruptionsByClass[c];
          return `${fmt(k.rate, 3)} (${k.bucket}; ${k.interruptions} int., ${k.moves} moves, ${fmt(k.instanceHours, 0)} inst-h)`;
        }),
      ]),
    ),
    '',
  );
  out.push('## Contracts', '');
  out.push(
    table(
      ['policy', 'preemptions', 'by reason', 'below notice', 'over daily budget', 'uninterruptible w/o fee', 'outage > contract', 'fees paid', 'priority points charged', 'missed deadlines'],
      rows.map(([n, m]) => [
        n,
        m.preemptions,
        Object.entries(m.preemptionsByReason)
          .map(([reason, count]) => `${reason} ${count}`)
          .join(', ') || '-',
        m.contractViolationsByKind.notice,
        m.contractViolationsByKind.dailyBudget,
        m.contractViolationsByKind.unpaidFee,
        m.outagesOverContract,
        fmt(m.feesPaid, 2),
        fmt(m.priorityReductions, 1),
        m.missedDeadlines,
      ]),
    ),
    '',
  );
  if (result.truthfulness.length > 0) {
    out.push('## Truthfulness: gain of shading bidders over bidding their value', '');
    out.push(
      table(
        ['payment rule', 'policy', 'shade', 'probes', 'truthful utility', 'shaded utility', 'gain', 'relative'],
        result.truthfulness.map((t) => [
          t.rule,
          t.policy,
          t.shadeFactor,
          t.probes,
          fmt(t.truthfulUtility, 2),
          fmt(t.shadedUtility, 2),
          fmt(t.gain, 2),
          // Relative to a truthful utility near zero (pay-as-bid) the ratio says nothing.
          Math.abs(t.truthfulUtility) < 0.01 * Math.abs(t.shadedUtility) ? 'n/a' : pct(t.relativeGain),
        ]),
      ),
      '',
    );
  }
  out.push('## Charts', '');
  for (const chart of CHARTS) out.push(`![${chart.title}](${chart.file})`, '');
  out.push('## Cost', '');
  out.push(
    table(
      ['policy', 'rounds', 'decide time total (s)', 'ms per round'],
      rows.map(([n, m]) => [n, m.rounds, fmt(m.decideMillis / 1000, 1), fmt(m.decideMillis / Math.max(1, m.rounds), 1)]),
    ),
    '',
  );
  return out.join('\n');
}

/**
 * Welfare against the value the stream offers within the run (metrics.ts, `offeredValue`), in all and per class: how
 * much of what could be earned each policy earned, and how much room a welfare target leaves.
 */
function offeredValueSection(result: ExperimentResult, rows: [PolicyName, PolicyMetrics][]): string[] {
  const offered = result.offeredValue;
  const share = (got: number, of: number) => (of > 0 ? pct(got / of) : '-');
  const out = ['## Welfare against the value offered', ''];
  const priceOnly = result.policies.priceOnly;
  out.push(
    `The stream offers ${fmt(offered.total, 1)} of value within the run (each workload's value per hour × the hours of ` +
      `standalone work that fit between its arrival and the end: what a policy earns that starts everything on arrival ` +
      `and never slows or stops it).` +
      (priceOnly && priceOnly.welfare > 0
        ? ` That is ${fmt(offered.total / priceOnly.welfare, 3)} × priceOnly's welfare; ${TARGET_BOUNDS.welfareRatio} × priceOnly is ` +
          `${share(TARGET_BOUNDS.welfareRatio * priceOnly.welfare, offered.total)} of it.`
        : ''),
    '',
  );
  out.push(
    table(
      ['policy', 'all', ...PRIORITY_CLASSES],
      [
        ['offered', fmt(offered.total, 1), ...PRIORITY_CLASSES.map((c) => fmt(offered.byClass[c], 1))],
        ...rows.map(([n, m]) => [
          n,
          `${fmt(m.welfare, 1)} (${share(m.welfare, offered.total)})`,
          ...PRIORITY_CLASSES.map((c) => `${fmt(m.welfareByClass[c], 1)} (${share(m.welfareByClass[c], offered.byClass[c])})`),
        ]),
      ],
    ),
    '',
  );
  out.push(
    '### Where the rest went',
    '',
    'Offered value − welfare, by cause (metrics.ts `ValueLost`; each row sums to the gap). Bids that never ran: gave ' +
      'up after their maximum wait, or still waiting at the end. Work that ran but was not done by the end: put down ' +
      'to abrupt stops up to the value of the work redone after them, then to waiting up to the value of the hours its ' +
      'bids waited, and the rest to slowdown (running slower than alone, or on a slow host; negative when faster). QoS ' +
      'steps: latency-sensitive steps over the QoS slowdown, which earn nothing. In brackets: the priority class with ' +
      'the largest share of that part.',
    '',
    table(
      ['policy', 'gap', ...VALUE_LOST_PARTS.map((p) => VALUE_LOST_LABELS[p])],
      rows.map(([n, m]) => [
        n,
        fmt(offered.total - m.welfare, 1),
        ...VALUE_LOST_PARTS.map((p) => `${fmt(m.valueLost[p], 1)}${largestClass(m, p)}`),
      ]),
    ),
    '',
  );
  return out;
}

const VALUE_LOST_LABELS: Record<(typeof VALUE_LOST_PARTS)[number], string> = {
  gaveUp: 'never ran: gave up',
  waitingAtEnd: 'never ran: waiting at end',
  abruptStops: 'unfinished: abrupt stops',
  waiting: 'unfinished: waiting',
  slowdown: 'unfinished: slowdown',
  qosSteps: 'QoS steps',
};

/** " (low 87%)": the class with the largest share of a part, when the part is at least 0.05. */
function largestClass(m: PolicyMetrics, part: (typeof VALUE_LOST_PARTS)[number]): string {
  const total = m.valueLost[part];
  if (total < 0.05) return '';
  let best: PriorityClass = PRIORITY_CLASSES[0]!;
  for (const c of PRIORITY_CLASSES) if (m.valueLostByClass[c][part] > m.valueLostByClass[best][part]) best = c;
  return ` (${best} ${pct(m.valueLostByClass[best][part] / total)})`;
}

export function writeReport(dir: string, result: ExperimentResult, context: { command: string }): void {
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  writeFileSync(join(dir, 'report.md'), renderMarkdown(result, { ...context, date }));
  for (const chart of CHARTS) {
    const reference = chart.reference?.(result.policies);
    const svg = barChart({
      title: chart.title,
      unit: chart.unit,
      digits: chart.digits,
      bars: present(result).map(([n, m]) => ({ label: n, value: chart.value(m), highlight: n.startsWith('parley') })),
      ...(reference ? { reference } : {}),
    });
    writeFileSync(join(dir, chart.file), svg);
  }
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
}
