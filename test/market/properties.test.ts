/** Property-based tests of the engine's hard invariants over random clusters, profiles and bid streams. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clearRound, normalQuantile, StatisticalInterferenceModel, StatisticalPredictor, PRIORITY_CLASSES, defaultEngineConfig } from '../../src/market/index.js';
import type { MarketNode, PendingBid, Plan, RunningInstance, Snapshot, WorkloadProfile } from '../../src/market/index.js';
import { demandMoments } from '../../src/market/moments.js';
import { contractBlock } from '../../src/market/contract.js';
import { NOW, deps } from './builders.js';

const profileArb: fc.Arbitrary<WorkloadProfile> = fc
  .record({
    cpu: fc.double({ min: 0.1, max: 8, noNaN: true }),
    cpuX: fc.double({ min: 1, max: 3, noNaN: true }),
    mem: fc.double({ min: 64, max: 16384, noNaN: true }),
    memX: fc.double({ min: 1, max: 2, noNaN: true }),
    net: fc.double({ min: 1, max: 2000, noNaN: true }),
    netX: fc.double({ min: 1, max: 4, noNaN: true }),
    burstP: fc.double({ min: 0, max: 0.2, noNaN: true }),
    perDay: fc.integer({ min: 0, max: 3 }),
    maxIntr: fc.constantFrom(0, 300, 3600),
    notice: fc.constantFrom(0, 30, 600),
    priority: fc.constantFrom(...PRIORITY_CLASSES),
    runtime: fc.integer({ min: 60, max: 86400 }),
  })
  .map((r) => ({
    name: 'p',
    cpu: { avg: r.cpu, peak: r.cpu * r.cpuX },
    memory: { avg: r.mem, peak: r.mem * r.memX },
    network: { avg: r.net, peak: r.net * r.netX },
    burst: { probability: r.burstP, magnitude: { p50: 1.5, p90: 2, p99: 3 }, durationSeconds: 60 },
    interruptibility: { maxInterruptionsPerDay: r.perDay, maxInterruptionSeconds: r.maxIntr, minNoticeSeconds: r.notice },
    priority: r.priority,
    expectedRuntimeSeconds: r.runtime,
  }));

const snapshotArb: fc.Arbitrary<Snapshot> = fc
  .record({
    nodes: fc.array(
      fc.record({
        cpu: fc.integer({ min: 4, max: 64 }),
        memory: fc.integer({ min: 8192, max: 131072 }),
        network: fc.integer({ min: 500, max: 10000 }),
        drainingSometimes: fc.integer({ min: 0, max: 9 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    instances: fc.array(
      fc.record({
        profile: profileArb,
        node: fc.nat(),
        uninterruptible: fc.boolean(),
        fee: fc.constantFrom(0, 0.5, 5, 500),
        reduction: fc.constantFrom(0, 10),
        price: fc.double({ min: 0.01, max: 3, noNaN: true }),
        ageSeconds: fc.integer({ min: 0, max: 86400 }),
        interruptions: fc.array(fc.integer({ min: 0, max: 2 * 86400 }), { maxLength: 3 }),
        usage: fc.double({ min: 0.01, max: 3, noNaN: true }),
        samples: fc.integer({ min: 0, max: 8 }),
        eff: fc.integer({ min: 0, max: 100 }),
        notice: fc.option(fc.record({ deadlineIn: fc.integer({ min: -600, max: 600 }), moveTo: fc.option(fc.nat(), { nil: null }) }), {
          nil: null,
          freq: 4,
        }),
      }),
      { maxLength: 12 },
    ),
    bids: fc.array(
      fc.record({
        profile: profileArb,
        price: fc.double({ min: 0, max: 5, noNaN: true }),
        count: fc.integer({ min: 1, max: 3 }),
        priority: fc.option(fc.constantFrom(...PRIORITY_CLASSES), { nil: undefined }),
        waited: fc.integer({ min: 0, max: 4000 }),
        client: fc.integer({ min: 0, max: 3 }),
      }),
      { maxLength: 10 },
    ),
    ledger: fc.array(fc.record({ client: fc.integer({ min: 0, max: 3 }), amount: fc.integer({ min: 1, max: 40 }), age: fc.integer({ min: 0, max: 30 * 86400 }) }), {
      maxLength: 4,
    }),
  })
  .map((r) => {
    const nodes: MarketNode[] = r.nodes.map((n, i) => ({ id: `n${i}`, cpu: n.cpu, memory: n.memory, network: n.network, labels: {}, draining: n.drainingSometimes === 0 }));
    const instances: RunningInstance[] = r.instances.map((x, i) => ({
      id: `i${i}`,
      bidId: `ob${i}`,
      clientId: `c${i % 4}`,
      nodeId: nodes[x.node % nodes.length]!.id,
      profile: x.profile,
      bidPrice: x.price,
      price: x.price,
      declaredPriority: x.profile.priority,
      effectivePriority: x.eff,
      uninterruptible: x.uninterruptible,
      penalty: { fee: x.fee, priorityReduction: x.reduction },
      state: x.notice === null ? ('running' as const) : ('notified' as const),
      startedAt: NOW - x.ageSeconds * 1000,
      interruptions: x.interruptions.map((s) => NOW - s * 1000),
      movedFrom: [],
      history: Array.from({ length: x.samples }, (_, k) => ({
        at: NOW - (x.samples - k) * 60_000,
        cpu: x.profile.cpu.avg * x.usage,
        memory: x.profile.memory.avg * Math.min(1, x.usage),
        network: x.profile.network.avg * x.usage,
      })),
      notice:
        x.notice === null
          ? null
          : {
              reason: 'drain' as const,
              noticeGivenSeconds: 60,
              noticedAt: NOW - 60_000,
              deadline: NOW + x.notice.deadlineIn * 1000,
              preemptorId: null,
              penalty: null,
              moveToNodeId: x.notice.moveTo === null ? null : nodes[x.notice.moveTo % nodes.length]!.id,
            },
    }));
    const bids: PendingBid[] = r.bids.map((b, i) => ({
      id: `b${i}`,
      clientId: `c${b.client}`,
      profileId: `p${i}`,
      profile: b.profile,
      price: b.price,
      count: b.count,
      uninterruptible: false,
      submittedAt: NOW - b.waited * 1000,
      ...(b.priority !== undefined ? { priority: b.priority } : {}),
    }));
    const ledger = r.ledger.map((l, i) => ({
      clientId: `c${l.client}`,
      kind: 'priority_reduction' as const,
      amount: l.amount,
      at: NOW - l.age * 1000,
      instanceId: `old${i}`,
      reason: 'profile_violation' as const,
    }));
    return { now: NOW, nodes, instances, bids, ledger };
  });

/** Per node, what the plan leaves counted on it: survivors, moves in progress or planned, and new placements. */
function finalLoads(s: Snapshot, plan: Plan) {
  const predictor = new StatisticalPredictor();
  const gone = new Set(plan.terminations.filter((t) => t.kind === 'preempted').map((t) => t.instanceId));
  const movedTo = new Map(plan.terminations.filter((t) => t.kind === 'moved').map((t) => [t.instanceId, t.nodeId!]));
  const movingTo = new Map(plan.preemptions.filter((p) => p.moveToNodeId !== null).map((p) => [p.instanceId, p.moveToNodeId!]));
  const items: { nodeId: string; profile: WorkloadProfile; history: RunningInstance['history'] }[] = [];
  for (const inst of s.instances) {
    if (gone.has(inst.id)) continue;
    items.push({ nodeId: movedTo.get(inst.id) ?? inst.nodeId, profile: inst.profile, history: inst.history });
    const dest = movingTo.get(inst.id) ?? (movedTo.has(inst.id) ? null : inst.notice?.moveToNodeId ?? null);
    if (dest) items.push({ nodeId: dest, profile: inst.profile, history: inst.history });
  }
  for (const p of plan.placements) {
    const bid = s.bids.find((b) => b.id === p.bidId)!;
    for (const nodeId of p.nodeIds) items.push({ nodeId, profile: bid.profile, history: [] });
  }
  const preds = predictor.predict(items.map((x) => ({ profile: x.profile, history: x.history })));
  const loads = new Map<string, { mean: number[]; var: number[]; peak: number }>();
  items.forEach((x, k) => {
    const m = demandMoments(preds[k]!, x.profile);
    const l = loads.get(x.nodeId) ?? { mean: [0, 0, 0], var: [0, 0, 0], peak: 0 };
    l.mean = [l.mean[0]! + m.cpuMean, l.mean[1]! + m.memoryMean, l.mean[2]! + m.networkMean];
    l.var = [l.var[0]! + m.cpuVar, l.var[1]! + m.memoryVar, l.var[2]! + m.networkVar];
    l.peak += m.memoryPeak;
    loads.set(x.nodeId, l);
  });
  return loads;
}

/** Nodes that received something this round (placements or move destinations): only those did the engine decide. */
function touched(plan: Plan): Set<string> {
  return new Set([...plan.placements.flatMap((p) => p.nodeIds), ...plan.preemptions.flatMap((p) => (p.moveToNodeId ? [p.moveToNodeId] : []))]);
}

const runs = { numRuns: 150 };

describe('engine invariants', () => {
  it('declared memory peaks never exceed memory, and the chance constraint holds, on every node the round fills', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const plan = clearRound(s, deps(3));
        const loads = finalLoads(s, plan);
        const z = normalQuantile(1 - defaultEngineConfig.epsilon);
        for (const id of touched(plan)) {
          const node = s.nodes.find((n) => n.id === id)!;
          const l = loads.get(id)!;
          expect(l.peak).toBeLessThanOrEqual(node.memory + 1e-6);
          const caps = [node.cpu, node.memory, node.network];
          for (let r = 0; r < 3; r++) expect(l.mean[r]! + z * Math.sqrt(l.var[r]!)).toBeLessThanOrEqual(caps[r]! + 1e-6);
        }
      }),
      runs,
    );
  });

  it('no winner pays more than its bid, under either payment rule', () => {
    fc.assert(
      fc.property(snapshotArb, fc.constantFrom('pay-as-bid' as const, 'uniform' as const), (s, paymentRule) => {
        const plan = clearRound(s, deps(3), { paymentRule });
        for (const p of plan.placements) {
          const bid = s.bids.find((b) => b.id === p.bidId)!;
          expect(p.price).toBeLessThanOrEqual(bid.price);
          expect(p.price).toBeGreaterThanOrEqual(0);
          expect(p.nodeIds).toHaveLength(bid.count);
        }
      }),
      runs,
    );
  });

  it('no uninterruptible instance is preempted without a fee entry, and no contract is broken', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const plan = clearRound(s, deps(3));
        const cfg = defaultEngineConfig;
        for (const p of plan.preemptions) {
          const inst = s.instances.find((i) => i.id === p.instanceId)!;
          if (inst.uninterruptible) {
            const fee = plan.ledgerEntries.find((e) => e.instanceId === inst.id && e.kind === 'fee');
            if (p.reason === 'drain' && p.moveToNodeId !== null) {
              // A drain's make-before-break move is no interruption of the work (docs/market.md): it owes nothing.
              expect(fee).toBeUndefined();
              expect(p.penalty).toBeNull();
            } else {
              expect(fee?.amount).toBeGreaterThan(0);
              expect(fee?.clientId).toBe(inst.clientId);
              expect(p.penalty?.fee).toBe(fee?.amount);
            }
          }
          const c = inst.profile.interruptibility;
          expect(p.noticeSeconds).toBeGreaterThanOrEqual(c.minNoticeSeconds);
          expect(p.deadline).toBe(s.now + p.noticeSeconds * 1000);
          expect(inst.interruptions.filter((at) => s.now - at < 86400_000).length).toBeLessThan(c.maxInterruptionsPerDay);
          expect(s.now - inst.startedAt).toBeGreaterThanOrEqual(cfg.minRuntimeSeconds * 1000);
          if (p.moveToNodeId === null) expect(c.maxInterruptionSeconds).toBeGreaterThanOrEqual(cfg.restartDowntimeSeconds);
          else expect(p.moveToNodeId).not.toBe(inst.nodeId);
        }
        expect(new Set(plan.preemptions.map((p) => p.instanceId)).size).toBe(plan.preemptions.length);
        expect(plan.preemptions.length).toBeLessThanOrEqual(cfg.maxEvictionsPerRound);
      }),
      runs,
    );
  });

  it('a drained node keeps only instances the contract rules protect (or the eviction cap defers)', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const plan = clearRound(s, deps(3));
        const cfg = defaultEngineConfig;
        const noticed = new Set(plan.preemptions.map((p) => p.instanceId));
        const draining = new Set(s.nodes.filter((n) => n.draining).map((n) => n.id));
        for (const inst of s.instances) {
          if (inst.state !== 'running' || !draining.has(inst.nodeId) || noticed.has(inst.id)) continue;
          // Left on a draining node: either the cap is reached or the contract forbids a stop (and no move was found).
          const capped = plan.preemptions.length >= cfg.maxEvictionsPerRound;
          expect(capped || contractBlock(inst, s.now, cfg, 'stop') !== null).toBe(true);
        }
      }),
      runs,
    );
  });

  it('an interruptible instance at or above protectedPriority is stopped only for its own profile violation or a drain', () => {
    fc.assert(
      fc.property(snapshotArb, fc.constantFrom(50, 75, 101), (s, protectedPriority) => {
        const plan = clearRound(s, deps(3), { protectedPriority });
        for (const p of plan.preemptions) {
          const inst = s.instances.find((i) => i.id === p.instanceId)!;
          if (inst.uninterruptible || inst.effectivePriority < protectedPriority || p.moveToNodeId !== null) continue;
          expect(['profile_violation', 'drain']).toContain(p.reason);
        }
      }),
      runs,
    );
  });

  it('a bid displaces only instances at least priorityGap below it', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const plan = clearRound(s, deps(3));
        for (const p of plan.preemptions.filter((x) => x.reason === 'outbid')) {
          const victim = s.instances.find((i) => i.id === p.instanceId)!;
          const bid = s.bids.find((b) => b.id === p.preemptorId)!;
          const outcome = plan.outcomes.find((o) => o.bidId === bid.id)!;
          const bidPriority = outcome.score!.terms.find((t) => t.name === 'priority')!.raw;
          expect(victim.effectivePriority).toBeLessThanOrEqual(bidPriority - defaultEngineConfig.priorityGap);
          // Only a running instance can be displaced: running in the snapshot, or one whose move completed at the
          // start of this round (its deadline passed), which runs on its new node from then on.
          const moveCompleted = plan.terminations.some((t) => t.instanceId === victim.id && t.kind === 'moved');
          expect(victim.state === 'running' || moveCompleted).toBe(true);
        }
      }),
      runs,
    );
  });

  it('every bid gets exactly one decision', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const plan = clearRound(s, deps(3));
        const decided = [...plan.placements.map((p) => p.bidId), ...plan.outcomes.map((o) => o.bidId)].sort();
        expect(decided).toEqual(s.bids.map((b) => b.id).sort());
      }),
      runs,
    );
  });

  it('skipping estimates by the interference model\'s bounds never changes the plan (the pruning is exact)', () => {
    const full = new StatisticalInterferenceModel();
    // The same model without the optional bounds: every feasible node and every resident gets the full estimate.
    const unbounded = { version: null, estimate: full.estimate.bind(full), estimateLoad: full.estimateLoad.bind(full) };
    // With only the per-node lower bound (node selection's fallback when a model has no batched one).
    const perNode = { ...unbounded, slowdownLowerBound: full.slowdownLowerBound.bind(full) };
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const withBounds = clearRound(s, { ...deps(5), interference: full });
        expect(withBounds).toEqual(clearRound(s, { ...deps(5), interference: unbounded }));
        expect(withBounds).toEqual(clearRound(s, { ...deps(5), interference: perNode }));
      }),
      runs,
    );
  });

  it('the same snapshot and seed give the same plan', () => {
    fc.assert(
      fc.property(snapshotArb, fc.integer(), (s, seed) => {
        expect(clearRound(s, deps(seed))).toEqual(clearRound(structuredClone(s), deps(seed)));
      }),
      { numRuns: 60 },
    );
  });
});
