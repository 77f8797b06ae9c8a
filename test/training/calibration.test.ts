import { describe, expect, it } from 'vitest';
import { buildDataset, HORIZON_SLOTS, TARGET_WIDTH, type Dataset } from '../../training/dataset.js';
import { baselineRatios, calibrate, calibrateBaselines, conformalQuantile, coverageAt, driftLevel, headResiduals } from '../../training/calibration.js';
import { calibratedBaselinePredictions, evaluateRows, verdicts } from '../../training/evaluation.js';
import { scorePredictions } from '../../training/metrics.js';
import { innerSplit, splitDataset } from '../../training/split.js';
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

  it('driftLevel: the smallest level whose validation shift covers the nominal share of later residuals', () => {
    const validation = sorted(Array.from({ length: 999 }, (_, i) => i / 1000)); // 0 … 0.998
    // Later residuals are 2 % larger: nominal calibration on validation under-covers them.
    const later = sorted(Array.from({ length: 1000 }, (_, i) => (1.02 * i) / 1000));
    const nominal = 0.95;
    const atNominal = conformalQuantile(validation, nominal);
    expect(coverageAt(later, atNominal)).toBeLessThan(nominal);
    const level = driftLevel(validation, later, nominal);
    expect(level).toBeGreaterThan(nominal);
    expect(coverageAt(later, conformalQuantile(validation, level))).toBeGreaterThanOrEqual(nominal);
    // One rank lower no longer covers: it is the smallest such level.
    expect(coverageAt(later, conformalQuantile(validation, level - 1 / 1000))).toBeLessThan(nominal);
    // Later residuals smaller than validation ones never lower the level below nominal.
    expect(driftLevel(later, validation, nominal)).toBe(nominal);
    // Beyond every validation residual: the largest one is the best any level can do.
    const far = sorted(Array.from({ length: 1000 }, (_, i) => (2 * i) / 1000));
    expect(conformalQuantile(validation, driftLevel(validation, far, nominal))).toBe(validation[998]);
  });
});

const T0 = Date.UTC(2013, 6, 1);
/**
 * Ten days of hourly-cycling CPU whose noise grows with time, so later days are harder than the validation days
 * before them: what the drift rule exists for.
 */
async function* growingNoise(): AsyncGenerator<TraceInstance> {
  for (let vm = 0; vm < 4; vm++) {
    let seed = 17 + vm;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const samples = Array.from({ length: 10 * 288 }, (_, i) => {
      const noise = (0.2 + i / 2880) * random();
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
  it('never reads a test row, and the drift rule raises levels when later days are harder', async () => {
    const dataset = await buildDataset(growingNoise());
    const parts = splitDataset(dataset, 'temporal');
    const dev = innerSplit(dataset, parts);
    expect(dev.cutoff!).toBeLessThan(parts.cutoff!);
    expect(Math.max(...Array.from(dev.test, (r) => dataset.at[r]! + 3_600_000))).toBeLessThanOrEqual(parts.cutoff!);
    const poisoned = poisonTest(dataset, parts.test);
    const source = (rows: Int32Array) => baselineRatios(poisoned, 'last_value', rows);
    const drift = calibrate(poisoned, parts, 'drift', source, source);
    const nominal = calibrate(poisoned, parts, 'nominal', source);
    expect(drift.shifts.every(Number.isFinite)).toBe(true);
    expect(nominal.levels.filter((l) => l > 0)).toEqual([0.95, 0.99, 0.95, 0.99, 0.95, 0.99]);
    // CPU p95: the development test block is noisier than its validation block, so the level goes up.
    expect(drift.developmentCoverageAtNominal![1]).toBeLessThan(0.95);
    expect(drift.levels[1]).toBeGreaterThan(0.95);
    expect(drift.shifts[1]).toBeGreaterThan(nominal.shifts[1]!);
    // Mean heads are never shifted.
    expect([drift.shifts[0], drift.shifts[3], drift.shifts[6]]).toEqual([0, 0, 0]);
    // Every baseline gets the same procedure, also without touching test rows.
    const all = calibrateBaselines(poisoned, parts, 'drift');
    for (const c of Object.values(all)) expect(c.shifts.every(Number.isFinite)).toBe(true);
    expect(all['last_value']).toEqual(drift);
  });

  it('scores calibrated baselines next to the raw ones and judges every reading', async () => {
    const dataset = await buildDataset(growingNoise());
    const parts = splitDataset(dataset, 'temporal');
    const calibration = calibrateBaselines(dataset, parts, 'drift');
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
  });
});
