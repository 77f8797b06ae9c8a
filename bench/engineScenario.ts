/**
 * A synthetic cluster for the engine benchmark, generated from a seed: nodes of one shape, running instances spread
 * over them with feedback history, and pending bids of mixed sizes, priorities and burstiness.
 */
import type { FeedbackSample, MarketNode, PendingBid, PriorityClass, RandomSource, RunningInstance, Snapshot, WorkloadProfile } from '../src/market/index.js';
import { PRIORITY_CLASSES, seededRandom } from '../src/market/index.js';

export interface ScenarioSize {
  nodes: number;
  running: number;
  pending: number;
  historySamples: number;
  seed: number;
}

const NOW = Date.UTC(2026, 0, 1, 12);

const between = (r: RandomSource, lo: number, hi: number) => lo + (hi - lo) * r.next();
const pick = <T>(r: RandomSource, xs: readonly T[]): T => xs[Math.floor(r.next() * xs.length)]!;

function randomProfile(r: RandomSource, i: number): WorkloadProfile {
  const cpu = between(r, 0.25, 4);
  const mem = between(r, 512, 8192);
  const net = between(r, 10, 500);
  const bursty = r.next() < 0.3;
  return {
    name: `w${i}`,
    cpu: { avg: cpu, peak: cpu * between(r, 1.2, 3) },
    memory: { avg: mem, peak: mem * between(r, 1.1, 1.6) },
    network: { avg: net, peak: net * between(r, 1.5, 4) },
    burst: bursty
      ? { probability: between(r, 0.01, 0.1), magnitude: { p50: 1.5, p90: 2.5, p99: 4 }, durationSeconds: between(r, 10, 120) }
      : { probability: 0, magnitude: { p50: 1, p90: 1, p99: 1 }, durationSeconds: 0 },
    interruptibility: {
      maxInterruptionsPerDay: Math.floor(between(r, 0, 4)),
      maxInterruptionSeconds: pick(r, [0, 300, 3600]),
      minNoticeSeconds: pick(r, [0, 30, 120]),
    },
    priority: pick(r, PRIORITY_CLASSES),
    expectedRuntimeSeconds: between(r, 600, 86400),
  };
}

function history(r: RandomSource, p: WorkloadProfile, n: number): FeedbackSample[] {
  const out: FeedbackSample[] = [];
  for (let k = 0; k < n; k++) {
    out.push({
      at: NOW - (n - k) * 60_000,
      cpu: p.cpu.avg * between(r, 0.3, 1.3),
      memory: p.memory.avg * between(r, 0.6, 1.1),
      network: p.network.avg * between(r, 0.2, 1.5),
    });
  }
  return out;
}

export function engineScenario(size: ScenarioSize): Snapshot {
  const r = seededRandom(size.seed);
  const nodes: MarketNode[] = Array.from({ length: size.nodes }, (_, i) => ({
    id: `node-${i}`,
    cpu: 32,
    memory: 131072,
    network: 25000,
    labels: {},
    draining: false,
  }));
  const instances: RunningInstance[] = Array.from({ length: size.running }, (_, i) => {
    const profile = randomProfile(r, i);
    const priority: PriorityClass = profile.priority;
    const price = between(r, 0.05, 1);
    return {
      id: `inst-${i}`,
      bidId: `old-bid-${i}`,
      clientId: `client-${i % 500}`,
      nodeId: `node-${i % size.nodes}`,
      profile,
      bidPrice: price,
      price: price * 0.8,
      declaredPriority: priority,
      effectivePriority: { low: 25, normal: 50, high: 75, critical: 100 }[priority],
      uninterruptible: r.next() < 0.1,
      penalty: { fee: between(r, 0.5, 5), priorityReduction: 10 },
      state: 'running',
      startedAt: NOW - between(r, 600, 86400) * 1000,
      interruptions: [],
      movedFrom: [],
      history: history(r, profile, size.historySamples),
      notice: null,
    };
  });
  const bids: PendingBid[] = Array.from({ length: size.pending }, (_, i) => {
    const profile = randomProfile(r, size.running + i);
    return {
      id: `bid-${i}`,
      clientId: `client-${i % 500}`,
      profileId: `profile-${i}`,
      profile,
      price: between(r, 0.05, 2),
      count: r.next() < 0.9 ? 1 : 1 + Math.floor(between(r, 1, 4)),
      uninterruptible: r.next() < 0.1,
      penalty: { fee: 1, priorityReduction: 10 },
      submittedAt: NOW - Math.floor(between(r, 0, 600)) * 1000,
    };
  });
  return { now: NOW, nodes, instances, bids, ledger: [] };
}
