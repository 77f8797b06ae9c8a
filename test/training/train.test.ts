/**
 * `npm run train` on the committed sample with the temporal split (one epoch, short histories on, as a child
 * process): the quantile heads are calibrated at the nominal level on the validation week, the baselines by the same
 * rule, and the manifest and the printed table carry the raw and the calibrated baselines and every reading of the
 * targets.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BASELINE_NAMES } from '../../training/baselines.js';

const run = promisify(execFile);

describe('train on the sample (temporal split)', () => {
  it('calibrates at the nominal level on the validation week and reports calibrated baselines and every reading', async () => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'parley-train-'));
    const { stdout, stderr } = await run(
      join('node_modules', '.bin', 'tsx'),
      ['training/train.ts', '--epochs', '1', '--out', modelsDir, '--version', 'vt1', '--short-history-share', '0.2', '--observed-peak-share', '0.3', '--miss-penalty', '0.5'],
      { env: { ...process.env, DATABASE_URL: '' }, timeout: 150_000 },
    );
    expect(stdout.trim().split('\n').at(-1)).toBe('vt1');
    expect(stderr).toMatch(/calibration \(split-conformal, nominal level, validation rows, \d+ rows\): shifts/);
    expect(stdout).toContain('last_value+cal');
    expect(stdout).toMatch(/cpu_p95 \(MAE at least 15 % below the best baseline, coverage ≥ 0.95\); coverage 0\.\d{3}: raw /);

    const manifest = JSON.parse(await readFile(join(modelsDir, 'vt1', 'manifest.json'), 'utf8'));
    const { rule, levels, validationRows } = manifest.training.calibration;
    expect(rule).toBe('split-conformal, nominal level, validation rows');
    expect(levels).toEqual([0, 0.95, 0.99, 0, 0.95, 0.99, 0, 0.95, 0.99]);
    expect(validationRows).toBe(manifest.training.validationExamples);
    // The validation block is the last week before the cutoff.
    expect(Date.parse(manifest.data.cutoff)).toBe(Date.UTC(2013, 6, 22));
    expect(manifest.calibration).toHaveLength(9);
    // The range of every raw feature over the fit rows travels with the model (serving clamps to it).
    const { mean, min, max } = manifest.normalization as { mean: number[]; min: number[]; max: number[] };
    expect(min).toHaveLength(mean.length);
    expect(max).toHaveLength(mean.length);
    min.forEach((lo, j) => expect(lo).toBeLessThanOrEqual(mean[j]!));
    max.forEach((hi, j) => expect(hi).toBeGreaterThanOrEqual(mean[j]!));
    // A fifth of the fit rows again as new bids and (--short-history-share 0.2) another fifth with a short history.
    expect(manifest.training.shortHistoryShare).toBe(0.2);
    expect(manifest.training.shortHistoryHours).toEqual([1, 2, 5]);
    expect(manifest.training.observedPeakShare).toBe(0.3);
    // The coverage-aware p95 objective and its (default) temperature are recorded with the model.
    expect(manifest.training.loss).toEqual({ mean: 1, samplePinball: 1, realized: 1, missPenalty: 0.5, missTemperature: 0.005 });
    const fitRows = Number(/split temporal: fit (\d+),/.exec(stderr)![1]);
    expect(manifest.training.fitExamples / fitRows).toBeGreaterThan(1.35);
    expect(manifest.training.fitExamples / fitRows).toBeLessThan(1.45);

    const cpu = manifest.metrics.targets.cpu_p95;
    expect(Object.keys(cpu.baselines).sort()).toEqual([...BASELINE_NAMES].sort());
    expect(Object.keys(cpu.calibratedBaselines).sort()).toEqual([...BASELINE_NAMES].sort());
    expect(Object.keys(cpu.readings)).toEqual(['raw', 'rawCovered', 'calibrated', 'calibratedCovered']);
    expect(manifest.metrics.baselineCalibration.last_value.levels).toEqual(levels);
    expect(manifest.metrics.targets.cpu_mean.calibratedBaselines).toBeUndefined();
  }, 180_000);

  it.each([
    ['--miss-penalty=-1', '--miss-penalty must be a number ≥ 0, got "-1"'],
    ['--miss-temperature=0', '--miss-temperature must be a number > 0, got "0"'],
    ['--miss-temperature=warm', '--miss-temperature must be a number > 0, got "warm"'],
    // Before these were checked, --epochs=abc wrote an untrained model and --stride-minutes=0 never left the anchor loop.
    ['--epochs=abc', '--epochs must be a whole number > 0, got "abc"'],
    ['--stride-minutes=0', '--stride-minutes must be a number > 0, got "0"'],
    ['--batch-size=1.5', '--batch-size must be a whole number > 0, got "1.5"'],
  ])('refuses %s before reading any data', async (option, message) => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'parley-train-'));
    const failure = run(join('node_modules', '.bin', 'tsx'), ['training/train.ts', '--out', modelsDir, '--version', 'vt1', option], {
      env: { ...process.env, DATABASE_URL: '' },
      timeout: 60_000,
    });
    await expect(failure).rejects.toMatchObject({ stderr: expect.stringContaining(message) });
    await expect(readFile(join(modelsDir, 'vt1', 'manifest.json'))).rejects.toThrow();
  }, 90_000);
});
