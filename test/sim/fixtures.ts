import type { MarketNode, PendingBid, RunningInstance, Snapshot, WorkloadProfile } from '../../src/market/types.js';

export function profile(cpuPeak: number, overrides: Partial<WorkloadProfile> = {}): WorkloadProfile {
  return {
    name: 'p',
    cpu: { avg: cpuPeak / 2, peak: cpuPeak },
    memory: { avg: 512, peak: 1024 },
    network: { avg: 1, peak: 2 },
    burst: { probability: 0, magnitude: { p50: 1, p90: 1, p99: 1 }, durationSeconds: 0 },
    interruptibility: { maxInterruptionsPerDay: 3, maxInterruptionSeconds: 600, minNoticeSeconds: 120 },
    priority: 'normal',
    expectedRuntimeSeconds: 3600,
    ...overrides,
  };
}

export function node(id: string, cpu = 4): MarketNode {
  return { id, cpu, memory: 16384, network: 1000, labels: {}, draining: false };
}

export function bid(id: string, price: number, cpuPeak: number, submittedAt = 0): PendingBid {
  return {
    id,
    clientId: `c-${id}`,
    profileId: id,
    profile: profile(cpuPeak),
    price,
    count: 1,
    uninterruptible: false,
    maxWaitSeconds: 3600,
    submittedAt,
  };
}

export function instance(id: string, nodeId: string, bidPrice: number, cpuPeak: number): RunningInstance {
  return {
    id,
    bidId: id,
    clientId: `c-${id}`,
    nodeId,
    profile: profile(cpuPeak),
    bidPrice,
    price: bidPrice,
    declaredPriority: 'normal',
    effectivePriority: 50,
    uninterruptible: false,
    penalty: null,
    state: 'running',
    startedAt: 0,
    interruptions: [],
    movedFrom: [],
    history: [],
    notice: null,
  };
}

export function snapshot(parts: Partial<Snapshot>): Snapshot {
  return { now: 0, nodes: [], instances: [], bids: [], ledger: [], ...parts };
}
