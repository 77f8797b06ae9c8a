/** The evaluation's online replay (training/onlineEvaluation.ts): no look-ahead, and it corrects a drift. */
import { describe, expect, it } from 'vitest';
import { HORIZON_MS } from '../../src/features/spec.js';
import { P95_MISS_TARGET } from '../../src/model/onlineCalibration.js';
import type { TraceInstance } from '../../src/traces/index.js';
import { baselineRatios, calibrateBaselines } from '../../training/calibration.js';
import { buildDataset, HORIZON_SLOTS, type Dataset } from '../../training/dataset.js';
import { evaluateRows } from '../../training/evaluation.js';
import { replayOnline } from '../../training/onlineEvaluation.js';
import { splitDataset } from '../../training/split.js';

const T0 = Date.UTC(2013, 6, 1);
const DAY = 86_400_000;
/** Twenty-three days of CPU on four VMs whose noise widens every day: a static calibration under-covers later days. */
async function* drifting(): AsyncGenerator<TraceInstance> {
  for (let vm = 0; vm < 4; vm++) {
    let seed = 31 + vm;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const samples = Array.from({ length: 23 * 288 }, (_, i) => {
      const noise = (0.2 + (0.08 * i) / 288) * random();
      return { at: T0 + i * 300_000, cpu: 1 + noise, memory: 500 + 100 * noise, network: 1 + noise };
    });
    yield { id: `vm${vm}`, format: 'bitbrains', capacity: { cpu: 4, memory: 4096, network: null }, intervalSeconds: 300, samples, hasNetwork: true, hasMemory: true };
  }
}

const raw = (dataset: Dataset, rows: Int32Array) => ({ ratios: baselineRatios(dataset, 'last_value', rows), reference: null });

describe('online replay of a test split', () => {
  it('predicts each row from outcomes whose horizon had ended: later outcomes change nothing before them', async () => {
    const dataset = await buildDataset(drifting());
    const parts = splitDataset(dataset, 'temporal');
    const shifts = calibrateBaselines(dataset, parts)['last_value']!.shifts;
    const rows = parts.test;
    const before = replayOnline(dataset, rows, raw(dataset, rows), shifts).predictions;
    const times = Array.from(rows, (r) => dataset.at[r]!);
    const T = (Math.min(...times) + Math.max(...times)) / 2;
    // Every outcome not yet known at T made enormous.
    const horizon = dataset.horizon.slice();
    for (const row of rows) if (dataset.at[row]! + HORIZON_MS > T) horizon.fill(1e6, row * 3 * HORIZON_SLOTS, (row + 1) * 3 * HORIZON_SLOTS);
    const poisoned = replayOnline({ ...dataset, horizon }, rows, raw(dataset, rows), shifts).predictions;
    let later = 0;
    rows.forEach((row, i) => {
      const same = poisoned.subarray(i * 9, i * 9 + 9).every((v, j) => v === before[i * 9 + j]);
      if (dataset.at[row]! <= T) expect(same).toBe(true);
      else if (!same) later += 1;
    });
    expect(later).toBeGreaterThan(0);
  });

  it('brings a drifting split back to the nominal coverage, and says so in the report', async () => {
    const dataset = await buildDataset(drifting());
    const parts = splitDataset(dataset, 'temporal');
    const calibration = calibrateBaselines(dataset, parts);
    const fixed = evaluateRows(dataset, parts.test, 'temporal', null, calibration);
    const online = evaluateRows(dataset, parts.test, 'temporal', null, calibration, { online: true });
    const coverage = (r: typeof fixed) => r.targets['cpu_p95']!.calibratedBaselines!['last_value']!.coverage;
    expect(coverage(fixed)).toBeLessThan(0.94);
    expect(Math.abs(coverage(online) - 0.95)).toBeLessThan(Math.abs(coverage(fixed) - 0.95) / 2);
    // Raw baselines are not recalibrated.
    expect(online.targets['cpu_p95']!.baselines).toEqual(fixed.targets['cpu_p95']!.baselines);
    expect(online.onlineRecalibration).toMatchObject({ rule: 'quantile tracking, one step per horizon', gain: 2, targetCoverage: 1 - P95_MISS_TARGET, final: null });
    expect(fixed.onlineRecalibration).toBeUndefined();
  });
});
