import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitInterference, readObservations, type InterferenceObservation } from '../../training/fit-interference.js';
import { initTfBackend } from '../../src/model/backend.js';
import { mulberry32 } from '../../training/random.js';

const demand = (cpu: number, memory: number) => ({
  cpu: { mean: cpu, p95: cpu * 1.2 },
  memory: { mean: memory, p95: memory },
  network: { mean: 10, p95: 12 },
  declared: { cpu, memory },
});

/** Slowdown grows with the node's CPU load (quadratically), with multiplicative noise: a learnable, noisy rule. */
function observations(n: number, seed: number): InterferenceObservation[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const co = Array.from({ length: 1 + Math.floor(random() * 6) }, () => demand(1 + 3 * random(), 2048 + 8192 * random()));
    const own = demand(1 + 3 * random(), 4096);
    const rho = (own.cpu.mean + co.reduce((s, c) => s + c.cpu.mean, 0)) / 32;
    const noise = Math.exp(0.04 * (random() + random() + random() - 1.5) * 2);
    return { own, node: { cpu: 32, memory: 131_072, network: 10_000 }, coRunners: co, slowdown: (1 + 0.4 * rho * rho) * noise };
  });
}

describe('fitInterference', () => {
  it('learns the median and an upper quantile that covers about nine in ten held-out slowdowns', async () => {
    await initTfBackend(() => {});
    const fitted = await fitInterference(observations(4000, 7), 7, () => {});
    try {
      expect(fitted.mae).toBeLessThan(fitted.baselineMae);
      expect(fitted.upperQuantile.tau).toBe(0.9);
      expect(fitted.upperQuantile.coverage).toBeGreaterThan(0.8);
      expect(fitted.upperQuantile.coverage).toBeLessThan(0.97);
      expect(fitted.upperQuantile.pinball).toBeLessThan(fitted.upperQuantile.alwaysOnePinball);
    } finally {
      fitted.model.dispose();
    }
  }, 60_000);
});

describe('fitInterference reproducibility', () => {
  it('trains the same head, weight for weight, from the same observations and seed', async () => {
    await initTfBackend(() => {});
    const data = observations(1200, 9);
    const weights = async () => {
      const fitted = await fitInterference(data, 3, () => {});
      const values = fitted.model.getWeights().map((w) => Array.from(w.dataSync()));
      fitted.model.dispose();
      return { values, mae: fitted.mae };
    };
    const first = await weights();
    expect(await weights()).toEqual(first);
  }, 60_000);
});

describe('readObservations', () => {
  it('reads a file line by line and names the line of a bad observation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'obs-'));
    const good = observations(3, 1).map((o) => JSON.stringify(o));
    writeFileSync(join(dir, 'good.jsonl'), `${good.join('\n')}\n\n`);
    expect(await readObservations(join(dir, 'good.jsonl'))).toHaveLength(3);
    const bad = { ...observations(1, 2)[0]!, own: { ...demand(1, 1), declared: undefined } };
    writeFileSync(join(dir, 'bad.jsonl'), [good[0], JSON.stringify(bad)].join('\n'));
    await expect(readObservations(join(dir, 'bad.jsonl'))).rejects.toThrow(/bad\.jsonl:2:.*declared/s);
    writeFileSync(join(dir, 'broken.jsonl'), `${good[0]}\n{"own":`);
    await expect(readObservations(join(dir, 'broken.jsonl'))).rejects.toThrow(/broken\.jsonl:2: not JSON/);
  });
});
