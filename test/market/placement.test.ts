/**
 * Node selection's hot loop (placement.ts `bestNode`) evaluates the node scorers inline and prunes nodes by bounds.
 * These properties check it against the straightforward selection: every feasible node within the sampling window
 * gets the full interference estimate and the scorer plugins' raw/normalize, and the strictly best one wins. Same
 * node, same score bit for bit, same cursor.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SCORER_NAMES, StatisticalInterferenceModel, defaultEngineConfig, normalQuantile, resolveEngineConfig } from '../../src/market/index.js';
import type { DemandMoments, EngineDeps, MarketNode, Prediction } from '../../src/market/index.js';
import { Cluster } from '../../src/market/cluster.js';
import { bestNode, interferenceOn, withinQos, type PlacementEnv } from '../../src/market/placement.js';
import { scorerSet, type NodeView, type ScoredDemand } from '../../src/market/scorers/index.js';
import { fillShares } from '../../src/market/scorers/shares.js';
import { chanceFit } from '../../src/market/chance.js';
import { newLoadEstimate } from '../../src/market/loadEstimate.js';
import { profile } from './builders.js';
import { learnedInterference } from '../helpers/learnedHead.js';

const momentsArb: fc.Arbitrary<DemandMoments> = fc
  .record({
    cpu: fc.double({ min: 0, max: 12, noNaN: true }),
    cpuSd: fc.double({ min: 0, max: 4, noNaN: true }),
    mem: fc.double({ min: 0, max: 40000, noNaN: true }),
    memSd: fc.double({ min: 0, max: 8000, noNaN: true }),
    net: fc.double({ min: 0, max: 5000, noNaN: true }),
    netSd: fc.double({ min: 0, max: 2000, noNaN: true }),
    peakX: fc.double({ min: 1, max: 2, noNaN: true }),
  })
  .map((r) => ({
    cpuMean: r.cpu,
    cpuVar: r.cpuSd * r.cpuSd,
    memoryMean: r.mem,
    memoryVar: r.memSd * r.memSd,
    networkMean: r.net,
    networkVar: r.netSd * r.netSd,
    networkP99: r.net + 2.326 * r.netSd,
    memoryPeak: (r.mem + 2.326 * r.memSd) * r.peakX,
  }));

const caseArb = fc.record({
  nodes: fc.array(
    fc.record({
      cpu: fc.constantFrom(0, 4, 16, 32, 64),
      memory: fc.constantFrom(8192, 65536, 131072),
      network: fc.constantFrom(0, 1000, 10000, 25000),
      draining: fc.boolean(),
      reported: fc.option(fc.double({ min: 1, max: 1.5, noNaN: true }), { nil: null }),
      residents: fc.array(momentsArb, { maxLength: 6 }),
    }),
    { minLength: 1, maxLength: 12 },
  ),
  candidate: momentsArb,
  cursor: fc.nat({ max: 50 }),
  numToFind: fc.integer({ min: 1, max: 12 }),
  scorers: fc.array(fc.constantFrom(...SCORER_NAMES), { minLength: 1, maxLength: 8 }),
  weights: fc.record({ packing: fc.double({ min: 0, max: 2, noNaN: true }), balance: fc.double({ min: 0, max: 2, noNaN: true }), interference: fc.double({ min: 0, max: 2, noNaN: true }) }),
  skipEvery: fc.integer({ min: 0, max: 4 }),
});

const prediction = (m: DemandMoments): Prediction => {
  const q = (mean: number, sd: number) => ({ mean, p95: mean + 1.645 * sd, p99: mean + 2.326 * sd });
  return { cpu: q(m.cpuMean, Math.sqrt(m.cpuVar)), memory: q(m.memoryMean, Math.sqrt(m.memoryVar)), network: q(m.networkMean, Math.sqrt(m.networkVar)), modelVersion: null };
};

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function setUp(c: Case, deps: EngineDeps, shortlist = 0) {
  const nodes: MarketNode[] = c.nodes.map((n, i) => ({ id: `n${i}`, cpu: n.cpu, memory: n.memory, network: n.network, labels: {}, draining: n.draining }));
  const cluster = new Cluster(nodes);
  c.nodes.forEach((n, i) => {
    n.residents.forEach((m, k) => {
      const view = { id: `r${i}-${k}`, profile: profile(), prediction: prediction(m) };
      cluster.add(i, { id: view.id, instance: null, view, moments: m });
    });
    if (n.reported !== null) cluster.noteReportedSlowdown(i, n.reported);
  });
  const config = resolveEngineConfig({ scorers: c.scorers, weights: { ...defaultEngineConfig.weights, ...c.weights } });
  const env: PlacementEnv = {
    cluster,
    deps,
    z: normalQuantile(1 - config.epsilon),
    scorers: scorerSet(config),
    numToFind: c.numToFind,
    qosLimit: config.qosSlowdownLimit,
    cursor: c.cursor,
    shortlist,
  };
  const demand: ScoredDemand = { id: 'cand', moments: c.candidate, prediction: prediction(c.candidate), effectivePriority: 50, unitPrice: 1, violations: 0 };
  const view = { id: 'cand', profile: profile(), prediction: demand.prediction };
  const skip = c.skipEvery === 0 ? null : (i: number) => i % c.skipEvery === 0;
  return { env, demand, view, skip };
}

/** The straightforward selection: no pruning, every term from the scorer plugins (the order of sums as the engine's). */
function referenceBestNode(env: PlacementEnv, demand: ScoredDemand, view: ReturnType<typeof setUp>['view'], skip: ((i: number) => boolean) | null) {
  const { cluster } = env;
  const n = cluster.nodes.length;
  const start = env.cursor % n;
  let best: { nodeIdx: number; score: number } | null = null;
  /** Every node within the QoS limit, with its score. */
  const feasible: { nodeIdx: number; score: number }[] = [];
  let found = 0;
  let processed = 0;
  for (; processed < n && found < env.numToFind; processed++) {
    const i = (start + processed) % n;
    const node = cluster.nodes[i]!;
    if (node.draining || (skip !== null && skip(i))) continue;
    const load = cluster.loads[i]!;
    if (chanceFit(load, demand.moments, node, env.z) !== null) continue;
    if (cluster.reportedSlowdown[i]! > env.qosLimit) continue;
    found++;
    const est = interferenceOn(env.deps, view, demand.moments, node, load, cluster.residents[i]!, null, newLoadEstimate());
    if (!withinQos(est, load.count, cluster.reportedSlowdown[i]!, env.qosLimit)) continue;
    const nv: NodeView = { node, load, interference: est, shares: new Float64Array(3) };
    fillShares(nv, demand);
    const sum = (ws: typeof env.scorers.node) => {
      let total = 0;
      for (const w of ws) total += w.sign * w.weight * w.scorer.normalize(w.scorer.raw(demand, nv));
      return total;
    };
    const score = sum(env.scorers.nodeWithoutInterference) + sum(env.scorers.nodeWithInterference);
    if (best === null || score > best.score) best = { nodeIdx: i, score };
    feasible.push({ nodeIdx: i, score });
  }
  return { best, feasible, cursor: (start + processed) % n };
}

/** bestNode (shortlist 0) picks the node and score the straightforward selection picks, and moves the cursor alike. */
function expectReferenceChoice(c: Case, deps: EngineDeps): void {
  const a = setUp(c, deps);
  const b = setUp(c, deps);
  const fast = bestNode(a.env, a.demand, a.view, a.skip);
  const ref = referenceBestNode(b.env, b.demand, b.view, b.skip);
  expect(fast === null ? null : { nodeIdx: fast.nodeIdx, score: fast.score }).toEqual(ref.best);
  expect(a.env.cursor).toBe(ref.cursor);
}

describe('node selection', () => {
  const model = new StatisticalInterferenceModel();
  const deps: EngineDeps = { predictor: null as never, interference: model, random: null as never };

  it('picks the same node with the same score as the straightforward selection, and moves the cursor alike', () => {
    fc.assert(fc.property(caseArb, (c) => expectReferenceChoice(c, deps)), { numRuns: 400 });
  });

  it('the model lower bound used for pruning never exceeds the slowdown of the full estimate', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { env, demand } = setUp(c, deps);
        const { nodes, loads } = env.cluster;
        nodes.forEach((node, i) => {
          const est = model.estimateLoad(demand.moments, node, loads[i]!);
          const slowdown = Math.max(0, est.candidateSlowdown - 1) + Math.max(0, est.totalAddedSlowdown);
          expect(model.slowdownLowerBound(demand.moments, node, loads[i]!)).toBeLessThanOrEqual(slowdown);
        });
        // The batched bounds are the same numbers.
        const idx = Int32Array.from(nodes.keys()).reverse();
        const out = new Float64Array(idx.length);
        model.slowdownLowerBounds(demand.moments, nodes, loads, idx, idx.length, out);
        idx.forEach((i, k) => expect(out[k]).toBe(model.slowdownLowerBound(demand.moments, nodes[i]!, loads[i]!)));
      }),
      { numRuns: 400 },
    );
  });

  it('the model upper bound re-scheduling uses is never below the slowdown the estimate adds to co-runners', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { env, demand } = setUp(c, deps);
        const { nodes, loads } = env.cluster;
        nodes.forEach((node, i) => {
          const added = model.estimateLoad(demand.moments, node, loads[i]!).totalAddedSlowdown;
          expect(model.addedSlowdownUpperBound(demand.moments, node, loads[i]!)).toBeGreaterThanOrEqual(added);
        });
      }),
      { numRuns: 400 },
    );
  });

  describe('with a model that estimates per co-runner (no aggregate path, no bounds: the learned head)', () => {
    const head = learnedInterference();
    const headDeps: EngineDeps = { predictor: null as never, interference: head, random: null as never };
    // The statistical model behind the list-only interface: the learned head is one, this checks the ranking alone.
    const listOnly: EngineDeps = {
      predictor: null as never,
      interference: { version: null, estimate: (c, n, co) => model.estimate(c, n, co) },
      random: null as never,
    };

    it('without a shortlist, picks exactly what the straightforward selection picks', () => {
      for (const d of [headDeps, listOnly]) fc.assert(fc.property(caseArb, (c) => expectReferenceChoice(c, d)), { numRuns: 200 });
    });

    it('with a shortlist, places whenever some node is within the QoS limit, on one of them, never above the best', () => {
      fc.assert(
        fc.property(caseArb, fc.integer({ min: 1, max: 4 }), (c, shortlist) => {
          const a = setUp(c, headDeps, shortlist);
          const b = setUp(c, headDeps);
          const fast = bestNode(a.env, a.demand, a.view, a.skip);
          const ref = referenceBestNode(b.env, b.demand, b.view, b.skip);
          expect(fast === null).toBe(ref.best === null);
          if (fast === null || ref.best === null) return;
          expect(ref.feasible).toContainEqual({ nodeIdx: fast.nodeIdx, score: fast.score });
          expect(fast.score).toBeLessThanOrEqual(ref.best.score);
          // A shortlist as long as the feasible set is no shortlist.
          if (shortlist >= ref.feasible.length) expect(fast.score).toBe(ref.best.score);
        }),
        { numRuns: 300 },
      );
    });
  });
});
