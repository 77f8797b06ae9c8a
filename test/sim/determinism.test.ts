import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/sim/experiment.js';
import { loadScenario } from '../../src/sim/scenario.js';
import { loadTraceLibrary } from '../../src/sim/traceLibrary.js';

/** Everything but wall-clock timings. */
function stable(result: ReturnType<typeof runExperiment>): unknown {
  return JSON.parse(JSON.stringify(result, (key, value) => (key === 'decideMillis' ? undefined : value)));
}

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
    expect(stable(a)).toEqual(stable(b));
    expect(stable(a)).not.toEqual(stable(c));
    expect(a.policies.parleyStatistical!.rounds).toBe(36);
    expect(a.workloads).toBeGreaterThan(50);
  }, 120_000);
});
