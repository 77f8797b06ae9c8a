import { describe, expect, it } from 'vitest';
import { buildDataset, declaresObservedPeak } from '../../training/dataset.js';
import { FEATURE_NAMES } from '../../src/features/spec.js';
import type { TraceInstance } from '../../src/traces/index.js';

const T0 = Date.UTC(2013, 6, 1);
const WIDTH = FEATURE_NAMES.length;

/** Two VMs, three days of 5-minute samples with a daily rhythm (so 1 h, 2 h and 24 h of history differ). */
async function* vms(): AsyncGenerator<TraceInstance> {
  for (let vm = 0; vm < 2; vm++) {
    const samples = Array.from({ length: 3 * 288 }, (_, i) => {
      const day = Math.sin((2 * Math.PI * i) / 288);
      return { at: T0 + i * 300_000, cpu: 1 + vm + day + 0.1 * (i % 7), memory: 500 + 50 * day, network: 2 + (i % 5) };
    });
    yield { id: `vm${vm}`, format: 'bitbrains', capacity: { cpu: 4, memory: 4096, network: null }, intervalSeconds: 300, samples, hasNetwork: true, hasMemory: true };
  }
}

const rowOf = (features: Float32Array, row: number) => Array.from(features.subarray(row * WIDTH, (row + 1) * WIDTH));

describe('buildDataset short histories', () => {
  it('builds none unless asked', async () => {
    expect((await buildDataset(vms())).shortHistory).toHaveLength(0);
  });

  it("gives example i the features of its last shortHistoryHours[i % n] hours, as a build with that history window would", async () => {
    const dataset = await buildDataset(vms(), { shortHistoryHours: [1, 2] });
    const oneHour = await buildDataset(vms(), { historyWindowMs: 3_600_000 });
    const twoHours = await buildDataset(vms(), { historyWindowMs: 7_200_000 });
    expect(dataset.shortHistory).toHaveLength(dataset.size * WIDTH);
    expect(oneHour.size).toBe(dataset.size);
    for (let i = 0; i < dataset.size; i++) {
      const cut = i % 2 === 0 ? oneHour : twoHours;
      expect(rowOf(dataset.shortHistory, i)).toEqual(rowOf(cut.features, i));
    }
    // The long-history features differ from the short ones (the window features see a different day), and the rest
    // of the dataset is what a build without short histories gives.
    expect(rowOf(dataset.shortHistory, 0)).not.toEqual(rowOf(dataset.features, 0));
    const plain = await buildDataset(vms());
    expect(Array.from(dataset.features)).toEqual(Array.from(plain.features));
    expect(Array.from(dataset.actual)).toEqual(Array.from(plain.actual));
  });
});

describe('buildDataset declared peaks', () => {
  const PEAK = FEATURE_NAMES.indexOf('cpu_declared_peak');
  /** Per instance index, the declared CPU peak of its first example (scale × e^declared_peak). */
  const cpuPeaks = async (options: Parameters<typeof buildDataset>[1]) => {
    const dataset = await buildDataset(vms(), options);
    return dataset.instanceIds.map((_, k) => {
      const row = dataset.instance.indexOf(k);
      return dataset.scales[row * 3]! * Math.exp(dataset.features[row * WIDTH + PEAK]!);
    });
  };

  it('sizes every peak by the provisioned capacity by default, and by the first day when asked', async () => {
    (await cpuPeaks({})).forEach((peak) => expect(peak).toBeCloseTo(4, 4));
    const observed = await cpuPeaks({ declaredPeak: 'observed' });
    observed.forEach((peak) => expect(peak).toBeLessThan(4));
    // vm1 runs one core above vm0 all along.
    expect(observed[1]! - observed[0]!).toBeCloseTo(1, 4);
  });

  it('gives a stable share of examples an observed peak, the rest the default', async () => {
    const keys = Array.from({ length: 2000 }, (_, i) => [`vm-${i % 7}`, T0 + i * 3_600_000] as const);
    const half = keys.filter(([id, at]) => declaresObservedPeak(id, at, 0.5)).length;
    expect(half).toBeGreaterThan(900);
    expect(half).toBeLessThan(1100);
    expect(keys.filter(([id, at]) => declaresObservedPeak(id, at, 0)).length).toBe(0);
    expect(keys.filter(([id, at]) => declaresObservedPeak(id, at, 1)).length).toBe(2000);
    const mixed = await buildDataset(vms(), { observedPeakShare: 0.5 });
    const plain = await buildDataset(vms());
    const tight = await buildDataset(vms(), { declaredPeak: 'observed' });
    expect(mixed.size).toBe(plain.size);
    let observed = 0;
    for (let row = 0; row < mixed.size; row++) {
      const id = mixed.instanceIds[mixed.instance[row]!]!;
      const from = declaresObservedPeak(id, mixed.at[row]!, 0.5) ? tight : plain;
      observed += from === tight ? 1 : 0;
      expect(rowOf(mixed.features, row)).toEqual(rowOf(from.features, row));
      expect(Array.from(mixed.scales.subarray(row * 3, row * 3 + 3))).toEqual(Array.from(from.scales.subarray(row * 3, row * 3 + 3)));
    }
    expect(observed).toBeGreaterThan(0);
    expect(observed).toBeLessThan(mixed.size);
    expect(Array.from(mixed.actual)).toEqual(Array.from(plain.actual));
  });
});
