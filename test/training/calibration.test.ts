import { describe, expect, it } from 'vitest';
import { buildDataset, HORIZON_SLOTS, TARGET_WIDTH, type Dataset } from '../../training/dataset.js';
import { baselineRatios, calibrate, calibrateBaselines, conformalQuantile, coverageAt } from '../../training/calibration.js';
import { calibratedBaselinePredictions, evaluateRows, verdicts } from '../../training/evaluation.js';
import { scorePredictions } from '../../training/metrics.js';
import { formatTable, svgChart } from '../../training/report.js';
import { splitDataset, validationSpan } from '../../training/split.js';
import type { TraceInstance } from '../../src/traces/index.js';

const sorted = (values: number[]) => Float64Array.from(values).sort();

describe('split-conformal quantile', () => {
  it('is the ⌈(n + 1)·level⌉-th smallest residual, capped at the largest', () => {
    const r = sorted(Array.from({ length: 99 }, (_, i) => i + 1)); // 1..99
    expect(conformalQuantile(r, 0.95)).toBe(95); // ⌈100 × 0.95⌉ = 95
    expect(conformalQuantile(r, 0.5)).toBe(50);
    expect(conformalQuantile(r, 0.999)).toBe(99);
    expect(conformalQuantile(new Float64Array(0), 0.95)).toBe(0);
  });

  it('coverageAt counts residuals at or under the shift', () => {
    const r = sorted([-1, 0, 0, 1, 2]);
    expect(coverageAt(r, 0)).toBe(3 / 5);
    expect(coverageAt(r, -2)).toBe(0);
    expect(coverageAt(r, 5)).toBe(1);
  });

});

const T0 = Date.UTC(2013, 6, 1);
/** Twenty-three days of noisy CPU on four VMs: a training period long enough for a whole-week validation block. */
async function* noisy(): AsyncGenerator<TraceInstance> {
  for (let vm = 0; vm < 4; vm++) {
    let seed = 17 + vm;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const samples = Array.from({ length: 23 * 288 }, (_, i) => {
      const noise = 0.5 * random();
      return { at: T0 + i * 300_000, cpu: 1 + noise, memory: 500 + 100 * noise, network: 1 + noise };
    });
    yield { id: `vm${vm}`, format: 'bitbrains', capacity: { cpu: 4, memory: 4096, network: null }, intervalSeconds: 300, samples, hasNetwork: true, hasMemory: true };
  }
}

/** The test rows' horizons turned to NaN: any calibration that read them would produce NaN shifts. */
function poisonTest(dataset: Dataset, test: Int32Array): Dataset {
  const horizon = dataset.horizon.slice();
  for (const row of test) horizon.fill(Number.NaN, row * 3 * HORIZON_SLOTS, (row + 1) * 3 * HORIZON_SLOTS);
  return { ...dataset, horizon };
}

describe('calibration of the model and of the baselines', () => {
  it('validates on the last whole week of a training period of two weeks or more, else on its last 15 %', async () => {
    const week = 7 * 86_400_000;
    expect(validationSpan(14 * 86_400_000)).toBe(week);
    expect(validationSpan(20 * 86_400_000)).toBe(week);
    expect(validationSpan(10 * 86_400_000)).toBeCloseTo(1.5 * 86_400_000, 6);
    const dataset = await buildDataset(noisy());
    const parts = splitDataset(dataset, 'temporal');
    const validationTimes = Array.from(parts.validation, (r) => dataset.at[r]!);
    expect(parts.cutoff! - Math.min(...validationTimes)).toBe(week);
    expect(Math.max(...validationTimes) + 3_600_000).toBeLessThanOrEqual(parts.cutoff!);
  });

  it('shifts each quantile head by the nominal conformal quantile of the validation residuals, never reading a test row', async () => {
    const dataset = await buildDataset(noisy());
    const parts = splitDataset(dataset, 'temporal');
    const poisoned = poisonTest(dataset, parts.test);
    const source = (rows: Int32Array) => baselineRatios(poisoned, 'last_value', rows);
    const calibration = calibrate(poisoned, parts, source);
    expect(calibration.shifts.every(Number.isFinite)).toBe(true);
    expect(calibration.levels).toEqual([0, 0.95, 0.99, 0, 0.95, 0.99, 0, 0.95, 0.99]);
    expect(calibration.validationRows).toBe(parts.validation.length);
    // Mean heads are never shifted.
    expect([calibration.shifts[0], calibration.shifts[3], calibration.shifts[6]]).toEqual([0, 0, 0]);
    // The CPU p95 shift is the ⌈(n + 1)·0.95⌉-th smallest validation residual.
    const residuals: number[] = [];
    const ratios = source(parts.validation);
    parts.validation.forEach((row, i) => {
      for (let k = 0; k < dataset.horizonCount[row]!; k++) residuals.push(dataset.horizon[row * 3 * HORIZON_SLOTS + k]! / dataset.scales[row * 3]! - ratios[i * TARGET_WIDTH + 1]!);
    });
    residuals.sort((a, b) => a - b);
    expect(calibration.shifts[1]).toBe(residuals[Math.ceil((residuals.length + 1) * 0.95) - 1]);
    // Every baseline gets the same procedure, also without touching test rows.
    const all = calibrateBaselines(poisoned, parts);
    for (const c of Object.values(all)) expect(c.shifts.every(Number.isFinite)).toBe(true);
    expect(all['last_value']).toEqual(calibration);
  });

  it('scores calibrated baselines next to the raw ones and judges every reading', async () => {
    const dataset = await buildDataset(noisy());
    const parts = splitDataset(dataset, 'temporal');
    const calibration = calibrateBaselines(dataset, parts);
    const report = evaluateRows(dataset, parts.test, 'temporal', null, calibration);
    const cpu = report.targets['cpu_p95']!;
    // last value + its shift, in absolute units, is what "last_value calibrated" scores.
    const expected = scorePredictions(dataset, parts.test, calibratedBaselinePredictions(dataset, 'last_value', parts.test, calibration['last_value']!));
    expect(cpu.calibratedBaselines!['last_value']).toEqual(expected['cpu_p95']);
    expect(cpu.calibratedBaselines!['last_value']!.coverage).toBeGreaterThan(cpu.baselines['last_value']!.coverage);
    expect(Object.keys(cpu.readings!)).toEqual(['raw', 'rawCovered', 'calibrated', 'calibratedCovered']);
    expect(cpu.readings!.raw!.delta).toBeNull(); // no model
    expect(Object.keys(report.targets['cpu_mean']!.readings!)).toEqual(['raw']);
    // A model that is exactly calibrated last value: Δ 0 against it under the calibrated reading.
    const asModel = calibratedBaselinePredictions(dataset, 'last_value', parts.test, calibration['last_value']!);
    const fake = { ...report, model: 'fake', targets: { ...report.targets } };
    fake.targets['cpu_p95'] = { ...cpu, model: scorePredictions(dataset, parts.test, asModel)['cpu_p95']! };
    expect(asModel.length).toBe(parts.test.length * TARGET_WIDTH);
    const [cpuVerdict] = verdicts(fake);
    expect(cpuVerdict!.target).toBe('cpu_p95');
    expect(cpuVerdict!.readings.calibrated?.met ?? false).toBe(false); // not 15 % below anything it equals
    // The table and the chart show the calibrated baselines too, also when the first target is a mean.
    expect(formatTable(report)).toContain('last_value+cal');
    expect(svgChart(report, ['cpu_mean', 'cpu_p95'])).toContain('last_value+cal: MAE');
  });
});
