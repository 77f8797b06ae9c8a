/**
 * A cluster state of any size built from the simulator's bid stream: nodes repeat the scenario's node mix; running
 * instances and pending bids take the declared profiles, prices and contracts of trace-derived workloads (a pool
 * reused cyclically), and running instances carry the last hour of feedback from their true usage.
 */
import { defaultEngineConfig, type MarketNode, type PendingBid, type RunningInstance, type Snapshot } from '../src/market/index.js';
import { PRIORITY_POINTS } from '../src/market/types.js';
import { generateWorkloads, type TraceLibrary } from '../src/sim/bidStream.js';
import type { Scenario } from '../src/sim/scenario.js';
import { trueUsage, type Workload } from '../src/sim/workload.js';

/** Distinct workloads generated; beyond that, profiles repeat (their ids do not). */
const POOL = 3000;
/** Feedback samples per running instance: one hour at the 5-minute step. */
const HISTORY = 12;

export function scaleSnapshot(scenario: Scenario, library: TraceLibrary, size: { nodes: number; running: number; pending: number }): Snapshot {
  const hours = (POOL / scenario.arrivals.meanPerHour) * 1.05;
  const pool = generateWorkloads({ ...scenario, durationHours: hours }, library, defaultEngineConfig.reservePrice).slice(0, POOL);
  if (pool.length === 0) throw new Error('scale snapshot: the bid stream is empty');
  // The scenario's node mix in its proportions (16 general, 6 memory, 2 large → a pattern of 24), repeated.
  const mix = scenario.nodes.flatMap((g) => Array.from({ length: g.count }, () => g));
  const nodes: MarketNode[] = Array.from({ length: size.nodes }, (_, i) => {
    const g = mix[i % mix.length]!;
    return { id: `n${i}`, cpu: g.cpu, memory: g.memory, network: g.network, labels: {}, draining: false };
  });
  const now = scenario.startAt + 3 * 86_400_000;
  const step = Math.floor((now - scenario.startAt) / (scenario.stepSeconds * 1000));
  const history = (w: Workload) =>
    Array.from({ length: HISTORY }, (_, k) => {
      const s = step - HISTORY + k;
      return { at: scenario.startAt + s * scenario.stepSeconds * 1000, ...trueUsage(w, s), slowdown: 1 };
    });
  const instances: RunningInstance[] = Array.from({ length: size.running }, (_, i) => {
    const w = pool[i % pool.length]!;
    return {
      id: `i${i}`,
      bidId: `i${i}`,
      clientId: w.clientId,
      nodeId: nodes[i % nodes.length]!.id,
      profile: w.profile,
      bidPrice: w.valuePerHour,
      price: w.valuePerHour / 2,
      declaredPriority: w.priority,
      effectivePriority: PRIORITY_POINTS[w.priority],
      uninterruptible: w.contract.uninterruptible,
      penalty: w.penalty,
      state: 'running',
      startedAt: now - 3_600_000,
      interruptions: [],
      movedFrom: [],
      history: history(w),
      notice: null,
    };
  });
  const bids: PendingBid[] = Array.from({ length: size.pending }, (_, i) => {
    const w = pool[(size.running + i) % pool.length]!;
    return {
      id: `b${i}`,
      clientId: w.clientId,
      profileId: w.id,
      profile: w.profile,
      price: w.valuePerHour,
      priority: w.priority,
      count: 1,
      uninterruptible: w.contract.uninterruptible,
      ...(w.penalty ? { penalty: w.penalty } : {}),
      maxWaitSeconds: w.maxWaitSeconds,
      submittedAt: now - 60_000,
    };
  });
  return { now, nodes, instances, bids, ledger: [] };
}
