import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/sim/experiment.js';
import { scatterChart } from '../../src/sim/report/scatterChart.js';
import { renderSweepMarkdown, targetRegion, writeSweepReport } from '../../src/sim/report/sweepReport.js';
import { parseSweep, runSweep, sweepOverride } from '../../src/sim/sweep.js';
import { smallScenario, syntheticLibrary, withoutTimings } from './scenarioFixture.js';

describe('parseSweep', () => {
  it('reads a top-level setting and a placement weight', () => {
    expect(parseSweep('epsilon=0.01, 0.05,0.1')).toEqual({ key: 'epsilon', values: [0.01, 0.05, 0.1] });
    expect(parseSweep('weights.packing=0,0.6')).toEqual({ key: 'weights.packing', values: [0, 0.6] });
  });

  it('refuses what is not a sweep of one numeric setting, naming the problem', () => {
    expect(() => parseSweep('epsilon')).toThrow(/expected SETTING=V1,V2/);
    expect(() => parseSweep('=0.1')).toThrow(/expected SETTING=V1,V2/);
    expect(() => parseSweep('paymentRule=1')).toThrow(/"paymentRule" is not a numeric engine setting/);
    expect(() => parseSweep('weights.nope=1')).toThrow(/"weights.nope" is not a numeric engine setting/);
    expect(() => parseSweep('epsilon=0.1,,0.2')).toThrow(/comma-separated list of numbers/);
    expect(() => parseSweep('epsilon=0.1,abc')).toThrow(/"abc" is not a number/);
    expect(() => parseSweep('epsilon=0.1,0.1')).toThrow(/0.1 is listed twice/);
    expect(() => parseSweep('epsilon=0.1,0.7')).toThrow(/epsilon=0.7 rejected by the engine's schema: epsilon:/);
    expect(() => parseSweep('maxEvictionsPerRound=2.5')).toThrow(/maxEvictionsPerRound=2.5 rejected .*maxEvictionsPerRound/);
  });

  it('checks each value together with the shared overrides', () => {
    expect(() => parseSweep('weights.packing=-1')).toThrow(/weights\.packing/);
    expect(parseSweep('qosSlowdownLimit=1.1', { epsilon: 0.05 }).values).toEqual([1.1]);
  });
});

describe('sweepOverride', () => {
  it('sets a top-level setting or merges a weight, leaving the base as it was', () => {
    const base = { epsilon: 0.05, weights: { price: 2 } } as const;
    expect(sweepOverride(base, 'qosSlowdownLimit', 1.1)).toEqual({ epsilon: 0.05, weights: { price: 2 }, qosSlowdownLimit: 1.1 });
    expect(sweepOverride(base, 'epsilon', 0.1)).toEqual({ epsilon: 0.1, weights: { price: 2 } });
    expect(sweepOverride(base, 'weights.packing', 0)).toEqual({ epsilon: 0.05, weights: { price: 2, packing: 0 } });
    expect(base).toEqual({ epsilon: 0.05, weights: { price: 2 } });
  });
});

describe('runSweep', () => {
  // Busy enough (60 bids an hour on the four small nodes) that ε changes what Parley does.
  const scenario = smallScenario({ durationHours: 3, arrivals: { ...smallScenario().arrivals, meanPerHour: 60 } });
  const library = syntheticLibrary();

  it('runs each value as a plain experiment with that setting would, against the same baselines', () => {
    const result = runSweep(scenario, library, { spec: { key: 'epsilon', values: [0.01, 0.2] }, engineConfig: { qosSlowdownLimit: 1.2 } });
    const plain = (epsilon: number) =>
      runExperiment(scenario, library, { policies: ['parley', 'priceOnly', 'kubeLike'], engineConfig: { qosSlowdownLimit: 1.2, epsilon }, truthfulnessHours: 0 });
    const [low, high] = [plain(0.01), plain(0.2)];
    expect(result.points.map((p) => p.value)).toEqual([0.01, 0.2]);
    expect(result.points[0]!.engineConfig).toEqual({ qosSlowdownLimit: 1.2, epsilon: 0.01 });
    expect(withoutTimings(result.points[0]!.parley)).toEqual(withoutTimings(low.policies.parley));
    expect(withoutTimings(result.points[1]!.parley)).toEqual(withoutTimings(high.policies.parley));
    expect(withoutTimings(high.policies.parley)).not.toEqual(withoutTimings(low.policies.parley)); // the setting reaches the engine
    expect(result.points[1]!.targets).toEqual(high.targets);
    expect(result.points[1]!.allMet).toBe(high.targets.every((t) => t.met));
    expect(withoutTimings(result.baselines)).toEqual(withoutTimings({ priceOnly: low.policies.priceOnly, kubeLike: low.policies.kubeLike }));
    expect([result.workloads, result.offeredValue]).toEqual([low.workloads, low.offeredValue]);
    // The statistical stand-in is said once, not once per value.
    expect(result.notes.filter((n) => n.includes('No learned model'))).toHaveLength(1);
  });

  it('writes the table, the chart and the JSON', () => {
    const result = runSweep(scenario, library, { spec: { key: 'qosSlowdownLimit', values: [1.1, 1.3] } });
    const markdown = renderSweepMarkdown(result, { command: 'npm run simulate -- --sweep qosSlowdownLimit=1.1,1.3' });
    expect(markdown).toContain('# Sweep of `qosSlowdownLimit`');
    expect(markdown.match(/^\| 1\.(1|3) \|/gm)).toHaveLength(2);
    const region = targetRegion(result);
    expect(region.yMin).toBeCloseTo(1.2 * Math.max(result.baselines.priceOnly.welfare, result.baselines.kubeLike.welfare));
    expect(region.xMax).toBeCloseTo(0.5 * result.baselines.kubeLike.qosViolationHours);
    const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
    writeSweepReport(dir, result, { command: 'test' });
    expect(JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(result)));
    const svg = readFileSync(join(dir, 'frontier.svg'), 'utf8');
    expect(svg.match(/<circle /g)!.length).toBe(2 + 2 + 3); // two values, two baselines, three legend marks
    expect(readFileSync(join(dir, 'frontier.md'), 'utf8')).toContain('![Welfare against QoS violation hours](frontier.svg)');
  });
});

describe('scatterChart', () => {
  it('places points inside the plot, labels them escaped, and shades the region', () => {
    const svg = scatterChart({
      title: 'A & B',
      xLabel: 'x',
      yLabel: 'y',
      region: { xMax: 5, yMin: 20, label: '<ok>' },
      series: [{ label: 's', color: '#000', connect: true, points: [{ x: 0, y: 10, label: 'a' }, { x: 10, y: 30 }] }],
    });
    expect(svg).toContain('A &amp; B');
    expect(svg).toContain('&lt;ok&gt;');
    expect(svg).toContain('<polyline');
    expect(svg).not.toContain('NaN');
    const circles = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const [first, second] = circles as [[number, number], [number, number]];
    expect(second[0]).toBeGreaterThan(first[0]); // larger x to the right
    expect(second[1]).toBeLessThan(first[1]); // larger y higher up
    for (const [cx, cy] of [first, second]) {
      expect(cx).toBeGreaterThanOrEqual(70);
      expect(cx).toBeLessThanOrEqual(620);
      expect(cy).toBeGreaterThanOrEqual(40);
      expect(cy).toBeLessThanOrEqual(360);
    }
  });

  it('draws a single point or equal values without dividing by zero', () => {
    const svg = scatterChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ label: 's', color: '#000', points: [{ x: 3, y: 3 }, { x: 3, y: 3 }] }] });
    expect(svg).not.toContain('NaN');
    expect(svg).not.toContain('Infinity');
  });
});

describe('npm run simulate -- --sweep', () => {
  const simulate = (args: string[]) => promisify(execFile)(join('node_modules', '.bin', 'tsx'), ['src/sim/cli.ts', ...args], { timeout: 60_000 });

  it.each([
    [['--sweep', 'epsilon=0.7'], "--sweep epsilon=0.7 rejected by the engine's schema: epsilon:"],
    [['--sweep', 'epsilon=0.1', '--policies', 'parley'], '--policies does not apply to --sweep'],
    [['--sweep', 'epsilon=0.1', '--truthfulness-hours', '2'], '--truthfulness-hours does not apply to --sweep'],
    [['--sweep', 'weights.packing=1', '--engine-config', '{"weights":{"price":-1}}'], '--engine-config rejected by the engine\'s schema: weights.price'],
  ])('refuses %j before loading traces or a model', async (args, message) => {
    await expect(simulate(args)).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining(message) });
  });
});
