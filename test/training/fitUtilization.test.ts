import { describe, expect, it } from 'vitest';
import { initTfBackend } from '../../src/model/backend.js';
import { parseTraceRef } from '../../src/traces/open.js';
import { DEFAULT_FIT, fitUtilization } from '../../training/fit-utilization.js';
import { loadDataset } from '../../training/load.js';
import { splitDataset } from '../../training/split.js';

describe('fitUtilization reproducibility', () => {
  it('trains the same network, bit for bit, from the same data and options (batch order comes from the seed)', async () => {
    await initTfBackend(() => {});
    const dataset = await loadDataset(parseTraceRef('bitbrains:data/bitbrains-rnd-2013-07-sample.tar.gz'), { strideMinutes: 120 }, () => {});
    const parts = splitDataset(dataset, 'temporal');
    const fit = async (seed: number) => {
      const fitted = await fitUtilization(dataset, parts, { ...DEFAULT_FIT, epochs: 2, hidden: [16], batchSize: 128, seed, log: () => {} });
      const ratios = Array.from(fitted.ratios(parts.validation));
      fitted.network.dispose();
      return ratios;
    };
    const first = await fit(7);
    expect(await fit(7)).toEqual(first);
    expect(await fit(8)).not.toEqual(first);
  }, 120_000);
});
