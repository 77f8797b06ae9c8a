/** Small builders for engine tests: a sane default for every field, overridable per test. */
import type { MarketNode, PendingBid, RunningInstance, Snapshot, WorkloadProfile, EngineDeps } from '../../src/market/index.js';
import { StatisticalInterferenceModel, StatisticalPredictor, seededRandom } from '../../src/market/index.js';

export const NOW = Date.UTC(2026, 0, 1, 12);

export function profile(over: Partial<WorkloadProfile> = {}): WorkloadProfile {
  return {
    name: 'web',
    cpu: { avg: 1, peak: 2 },
    memory: { avg: 1024, peak: 2048 },
    network: { avg: 50, peak: 100 },
    burst: { probability: 0, magnitude: { p50: 1, p90: 1, p99: 1 }, durationSeconds: 0 },
    interruptibility: { maxInterruptionsPerDay: 2, maxInterruptionSeconds: 3600, minNoticeSeconds: 60 },
    priority: 'normal',
    expectedRuntimeSeconds: 3600,
    ...over,
  };
}

export function node(id: string, over: Partial<MarketNode> = {}): MarketNode {
  return { id, cpu: 16, memory: 65536, network: 10000, labels: {}, draining: false, ...over };
}

export function bid(id: string, over: Partial<PendingBid> = {}): PendingBid {
  return {
    id,
    clientId: `client-${id}`,
    profileId: `profile-${id}`,
    profile: profile(),
    price: 1,
    count: 1,
    uninterruptible: false,
    submittedAt: NOW - 1000,
    ...over,
  };
}

export function instance(id: string, nodeId: string, over: Partial<RunningInstance> = {}): RunningInstance {
  return {
    id,
    bidId: `bid-${id}`,
    clientId: `client-${id}`,
    nodeId,
    profile: profile(),
    bidPrice: 1,
    price: 1,
    declaredPriority: 'normal',
    effectivePriority: 50,
    uninterruptible: false,
    penalty: null,
    state: 'running',
    startedAt: NOW - 3600_000,
    interruptions: [],
    movedFrom: [],
    history: [],
    notice: null,
    ...over,
  };
}

export function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return { now: NOW, nodes: [], instances: [], bids: [], ledger: [], ...over };
}

export function deps(seed = 1): EngineDeps {
  return { predictor: new StatisticalPredictor(), interference: new StatisticalInterferenceModel(), random: seededRandom(seed) };
}
