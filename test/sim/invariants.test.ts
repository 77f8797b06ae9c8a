import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateWorkloads } from '../../src/sim/bidStream.js';
import { fifoPolicy } from '../../src/sim/policies/fifo.js';
import { priceOnlyPolicy } from '../../src/sim/policies/priceOnly.js';
import { simulate } from '../../src/sim/simulator.js';
import { smallScenario, syntheticLibrary } from './scenarioFixture.js';

const reserve = { cpu: 0.005, memory: 0.002 / 1024, network: 0.00005 };

describe('simulation invariants (any seed)', () => {
  it('bounds welfare by the value offered, utilization by capacity, and keeps FIFO free of interruptions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom('fifo', 'priceOnly'), (seed, name) => {
        const scenario = smallScenario({ seed, durationHours: 3 });
        const workloads = generateWorkloads(scenario, syntheticLibrary(), reserve);
        const policy = name === 'fifo' ? fifoPolicy(reserve) : priceOnlyPolicy(reserve);
        const { metrics } = simulate(scenario, workloads, policy, { reservePrice: () => 0 });
        const offered = workloads.reduce((s, w) => s + (w.valuePerHour * w.runtimeSeconds) / 3600, 0);
        expect(metrics.welfare).toBeLessThanOrEqual(offered + 1e-9);
        expect(metrics.welfare).toBeGreaterThanOrEqual(0);
        const byClass = Object.values(metrics.welfareByClass);
        expect(byClass.reduce((a, b) => a + b, 0)).toBeCloseTo(metrics.welfare, 9);
        for (const c of ['low', 'normal', 'high', 'critical'] as const) {
          const classOffer = workloads.filter((w) => w.priority === c).reduce((s, w) => s + (w.valuePerHour * w.runtimeSeconds) / 3600, 0);
          expect(metrics.welfareByClass[c]).toBeLessThanOrEqual(classOffer + 1e-9);
        }
        for (const r of ['cpu', 'memory', 'network'] as const) {
          expect(metrics.usedUtilizationByResource[r]).toBeLessThanOrEqual(1 + 1e-9);
        }
        expect(metrics.completed).toBeLessThanOrEqual(metrics.submitted);
        expect(metrics.noticeHonoured).toBeGreaterThanOrEqual(0);
        expect(metrics.noticeHonoured).toBeLessThanOrEqual(1);
        if (name === 'fifo') {
          expect(metrics.preemptions).toBe(0);
          expect(metrics.contractViolations).toBe(0);
        } else {
          // Every price-only eviction gives no notice, so every one of them breaks its contract's notice.
          expect(metrics.contractViolationsByKind.notice).toBe(metrics.preemptions);
        }
      }),
      { numRuns: 12 },
    );
  }, 60_000);
});
