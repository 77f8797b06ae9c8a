import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/sim/experiment.js';
import { loadScenario } from '../../src/sim/scenario.js';
import { loadTraceLibrary } from '../../src/sim/traceLibrary.js';
import { withoutTimings } from './scenarioFixture.js';


describe('the default scenario on the committed traces', () => {
  it('is deterministic for a seed, and a different seed gives a different run', async () => {
    const scenario = { ...loadScenario('config/sim-default.json'), durationHours: 3 };
    const library = await loadTraceLibrary(scenario);
    expect(library.bitbrains.length).toBeGreaterThan(10);
    expect(library.planetLab.length).toBeGreaterThan(0);
    const policies = ['parleyStatistical', 'kubeLike', 'priceOnly'] as const;
    const a = runExperiment(scenario, library, { policies });
    const b = runExperiment(scenario, library, { policies });
    const c = runExperiment({ ...scenario, seed: scenario.seed + 1 }, library, { policies });
    expect(withoutTimings(a)).toEqual(withoutTimings(b));
    expect(withoutTimings(a)).not.toEqual(withoutTimings(c));
    expect(a.policies.parleyStatistical!.rounds).toBe(36);
    expect(a.workloads).toBeGreaterThan(50);
  }, 120_000);
});
