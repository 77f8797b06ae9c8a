import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/sim/experiment.js';
import { barChart } from '../../src/sim/report/barChart.js';
import { renderMarkdown, writeReport } from '../../src/sim/report/markdown.js';
import { loadScenario, overrideScenario } from '../../src/sim/scenario.js';
import { latestModelVersion } from '../../src/sim/models.js';
import { smallScenario, syntheticLibrary } from './scenarioFixture.js';

describe('loadScenario', () => {
  it('loads the default scenario', () => {
    expect(loadScenario('config/sim-default.json').name).toBe('default');
  });

  it('names the file and every invalid field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync('config/sim-default.json', 'utf8')), stepSeconds: -5, nodes: [] }));
    expect(() => loadScenario(path)).toThrow(/bad\.json: .*stepSeconds.*nodes/);
  });
});

describe('overrideScenario', () => {
  const base = loadScenario('config/sim-default.json');

  it('applies the command line to a copy and leaves the rest of the file as it was', () => {
    const s = overrideScenario(base, { seed: 7, durationHours: 12, meanPerHour: 100 }, 'default.json');
    expect([s.seed, s.durationHours, s.arrivals.meanPerHour]).toEqual([7, 12, 100]);
    expect(s.arrivals.diurnalAmplitude).toBe(base.arrivals.diurnalAmplitude);
    expect({ ...s, seed: base.seed, durationHours: base.durationHours, arrivals: base.arrivals }).toEqual(base);
    expect(base.arrivals.meanPerHour).toBe(80);
    expect(overrideScenario(base, {}, 'default.json')).toEqual(base);
  });

  it('refuses what the file would refuse, naming the field', () => {
    expect(() => overrideScenario(base, { durationHours: -3 }, 'default.json')).toThrow(/default\.json with the command line's overrides: durationHours/);
    expect(() => overrideScenario(base, { seed: 1.5 }, 'default.json')).toThrow(/: seed: /);
    expect(() => overrideScenario(base, { meanPerHour: 0 }, 'default.json')).toThrow(/: arrivals\.meanPerHour: /);
  });
});

describe('barChart', () => {
  it('draws one bar per category with escaped labels and the reference line', () => {
    const svg = barChart({ title: 'A & B', unit: 'u', bars: [{ label: '<x>', value: 2 }, { label: 'y', value: 1 }], reference: { value: 1.5, label: 'target' } });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('A &amp; B');
    expect(svg).toContain('&lt;x&gt;');
    expect(svg.match(/<rect x=/g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray');
  });
});

describe('the report', () => {
  it('writes tables, targets, charts and the JSON result', () => {
    const result = runExperiment(smallScenario({ durationHours: 2 }), syntheticLibrary(), { truthfulnessHours: 1 });
    const md = renderMarkdown(result, { command: 'npm run simulate' });
    for (const heading of ['## Summary', '## Targets', '## Welfare against the value offered', '## Interruptions per instance-month', '## Contracts', '## Truthfulness']) {
      expect(md).toContain(heading);
    }
    for (const policy of ['parley', 'parleyStatistical', 'priceOnly', 'kubeLike', 'fifo']) expect(md).toContain(`| ${policy} |`);
    expect(md).toContain(`| offered | ${result.offeredValue.total.toFixed(1)} |`);
    expect(result.offeredValue.total).toBeGreaterThan(0);
    // Where the rest went: one row per policy, opening with its gap (offered − welfare).
    expect(md).toContain('### Where the rest went');
    const fifo = result.policies.fifo!;
    expect(md).toContain(`| fifo | ${(result.offeredValue.total - fifo.welfare).toFixed(1)} | ${fifo.valueLost.gaveUp.toFixed(1)}`);
    expect(result.truthfulness.map((t) => t.rule)).toEqual(['uniform', 'pay-as-bid', 'uniform (price-only auction)']);
    const dir = mkdtempSync(join(tmpdir(), 'sim-report-'));
    writeReport(dir, result, { command: 'npm run simulate' });
    expect(readFileSync(join(dir, 'welfare.svg'), 'utf8')).toContain('<svg');
    const json = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(Object.keys(json.policies)).toEqual(['parley', 'parleyStatistical', 'priceOnly', 'kubeLike', 'fifo']);
    for (const field of ['welfare', 'revenue', 'usedUtilization', 'qosViolationHours', 'highPriorityInterruptionRate', 'contractViolations', 'noticeHonoured']) {
      expect(typeof json.policies.parley[field]).toBe('number');
    }
  }, 60_000);
});

describe('latestModelVersion', () => {
  it('picks the newest folder that holds a manifest, in natural order, and null without any', () => {
    const dir = mkdtempSync(join(tmpdir(), 'models-'));
    expect(latestModelVersion(join(dir, 'absent'))).toBeNull();
    expect(latestModelVersion(dir)).toBeNull();
    for (const v of ['v2', 'v10', 'v9-draft']) mkdirSync(join(dir, v));
    writeFileSync(join(dir, 'v2', 'manifest.json'), '{}');
    writeFileSync(join(dir, 'v10', 'manifest.json'), '{}');
    expect(latestModelVersion(dir)).toBe('v10');
  });
});
