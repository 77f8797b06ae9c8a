import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readObservations } from '../../training/fit-interference.js';
import { runExperiment } from '../../src/sim/experiment.js';
import { nodeObservations, recentDemand, type InterferenceObservation } from '../../src/sim/interferenceFeedback.js';
import { smallScenario, syntheticLibrary } from './scenarioFixture.js';
import { profile } from '../market/builders.js';

const sample = (cpu: number) => ({ at: 0, cpu, memory: 10 * cpu, network: 1, slowdown: 1 });
const declared = profile({ cpu: { avg: 2, peak: 4 }, memory: { avg: 20, peak: 40 }, network: { avg: 3, peak: 9 } });

describe('recentDemand', () => {
  it('summarizes the last twelve samples by mean and nearest-rank p95, and carries the declared averages', () => {
    const d = recentDemand([100, ...Array.from({ length: 12 }, (_, i) => i + 1)].map(sample), declared);
    expect(d.cpu.mean).toBeCloseTo(6.5, 12);
    expect(d.cpu.p95).toBe(12);
    expect(d.memory.p95).toBe(120);
    expect(d.declared).toEqual({ cpu: 2, memory: 20 });
  });

  it('falls back to the declaration (average as mean, peak as p95) with fewer than six samples', () => {
    const d = recentDemand([1, 2, 3, 4, 5].map(sample), declared);
    expect(d).toEqual({
      cpu: { mean: 2, p95: 4 },
      memory: { mean: 20, p95: 40 },
      network: { mean: 3, p95: 9 },
      declared: { cpu: 2, memory: 20 },
    });
  });
});

describe('nodeObservations', () => {
  it('pairs every tenant with all the others as co-runners and its own slowdown', () => {
    const known = Array.from({ length: 6 }, () => sample(1));
    const tenants = [known, known.slice(0, 2), known].map((history) => ({ history, profile: declared }));
    const obs = nodeObservations({ cpu: 8, memory: 100, network: 10 }, tenants, [1.1, 1.5, 1.3]);
    expect(obs.map((o) => o.slowdown)).toEqual([1.1, 1.5, 1.3]);
    expect(obs.map((o) => o.coRunners.length)).toEqual([2, 2, 2]);
    // The tenant with two samples is known by its declaration, to itself and to the others.
    expect(obs[1]!.own.cpu).toEqual({ mean: 2, p95: 4 });
    expect(obs[0]!.coRunners[0]!.cpu).toEqual({ mean: 2, p95: 4 });
  });
});

describe('the simulator as a source of interference feedback', () => {
  it('writes observations the training pipeline reads', async () => {
    const batches: InterferenceObservation[] = [];
    runExperiment(smallScenario({ durationHours: 3 }), syntheticLibrary(), {
      policies: ['parleyStatistical'],
      observe: (b) => batches.push(...b),
      observeEverySteps: 3,
    });
    expect(batches.length).toBeGreaterThan(10);
    const path = join(mkdtempSync(join(tmpdir(), 'feedback-')), 'obs.jsonl');
    writeFileSync(path, batches.map((o) => JSON.stringify(o)).join('\n'));
    const read = await readObservations(path);
    expect(read).toHaveLength(batches.length);
    expect(read[0]!.slowdown).toBeGreaterThan(0.5);
  });
});
