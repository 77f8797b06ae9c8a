/**
 * The learned interference head's fast paths give the answers of the plain computation: the per-co-runner memo
 * (exact: a hit needs every input equal), and the node-wide pass re-scheduling uses (its tail is everyone's, its
 * bounds are never below what an instance adds to the rest).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { DemandView, NodeCapacity } from '../../src/market/index.js';
import { learnedInterference } from '../helpers/learnedHead.js';
import { profile } from '../market/builders.js';

const demandOf = (v: DemandView) => ({ ...v.prediction, declared: { cpu: v.profile.cpu.avg, memory: v.profile.memory.avg } });

const viewArb = fc
  .record({
    cpu: fc.double({ min: 0, max: 16, noNaN: true }),
    memory: fc.double({ min: 0, max: 65536, noNaN: true }),
    network: fc.double({ min: 0, max: 2000, noNaN: true }),
    declaredCpu: fc.double({ min: 0.1, max: 16, noNaN: true }),
  })
  .map((r): DemandView => {
    const q = (mean: number) => ({ mean, p95: 1.5 * mean, p99: 2 * mean });
    return {
      id: 'v',
      profile: profile({ cpu: { avg: r.declaredCpu, peak: 2 * r.declaredCpu } }),
      prediction: { cpu: q(r.cpu), memory: q(r.memory), network: q(r.network), modelVersion: null },
    };
  });

const nodeArb: fc.Arbitrary<NodeCapacity> = fc.record({
  id: fc.constant('n'),
  cpu: fc.constantFrom(4, 16, 64),
  memory: fc.constantFrom(16384, 131072),
  network: fc.constantFrom(1000, 25000),
});

describe('TfjsInterferenceModel fast paths', () => {
  it('answers repeated estimates (memo hits and misses alike) exactly as a fresh model does', () => {
    fc.assert(
      fc.property(fc.array(viewArb, { minLength: 2, maxLength: 6 }), nodeArb, fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (views, node, picks) => {
        const warm = learnedInterference();
        for (const p of picks) {
          const c = p % views.length;
          const co = views.filter((_, j) => j !== c && (p >> (j + 3)) % 2 === 0);
          const est = warm.estimate(views[c]!, node, co);
          expect(est).toEqual(learnedInterference().estimate(views[c]!, node, co));
          // The first layer computed in two parts (own, totals) is the plain forward pass up to float32 rounding.
          const plain = learnedInterference().slowdown(demandOf(views[c]!), node, co.map(demandOf));
          expect(est.candidateSlowdown).toBeCloseTo(plain, 4);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gives the node tail of every estimate and bounds what each resident adds to the rest', () => {
    fc.assert(
      fc.property(fc.array(viewArb, { minLength: 2, maxLength: 8 }), nodeArb, (views, node) => {
        const model = learnedInterference();
        const bounds = new Float64Array(views.length);
        const tail = model.residentBounds(views, node, bounds);
        let maxTail = 0;
        views.forEach((v, r) => {
          const est = learnedInterference().estimate(v, node, views.filter((_, j) => j !== r));
          maxTail = Math.max(maxTail, est.tailSlowdown!);
          const added = est.addedSlowdown.reduce((a, b) => a + b, 0);
          expect(bounds[r]! + 1e-6).toBeGreaterThanOrEqual(added);
        });
        expect(tail).toBeCloseTo(maxTail, 5);
      }),
      { numRuns: 300 },
    );
  });
});
