/** Row → API view conversions shared by several verbs. */
import type { InstanceStatus, BidView } from '../api/schemas.js';
import type { Prediction, WorkloadProfile } from '../market/types.js';
import type { bids, instances } from '../db/schema.js';
import type { LatestSample } from './instanceRows.js';

export const iso = (epochMs: number): string => new Date(epochMs).toISOString();

export function predictionView(p: Prediction) {
  return {
    cpu: { mean: p.cpu.mean, p95: p.cpu.p95 },
    memory: { mean: p.memory.mean, p95: p.memory.p95 },
    network: { mean: p.network.mean, p95: p.network.p95 },
    modelVersion: p.modelVersion,
  };
}

export function bidView(row: typeof bids.$inferSelect, instanceIds: string[]): BidView {
  return {
    bidId: row.id,
    state: row.state,
    instanceIds,
    clearingPrice: row.clearingPrice,
    score: row.score,
    reason: row.reason,
  };
}

const LIVE = new Set(['running', 'notified']);

export function instanceView(
  row: typeof instances.$inferSelect,
  profile: WorkloadProfile,
  latest: LatestSample | null,
  now: number,
): InstanceStatus {
  const runSeconds = ((LIVE.has(row.state) ? now : (row.endedAt ?? now)) - row.startedAt) / 1000;
  return {
    instanceId: row.id,
    bidId: row.bidId,
    state: row.state,
    nodeId: row.nodeId,
    usage: latest ? { cpu: latest.cpu, memory: latest.memory, network: latest.network, at: iso(Number(latest.at)) } : null,
    predictedUtilization: predictionView(row.prediction),
    priority: { declared: row.declaredPriority, effective: row.effectivePriority },
    estimatedRuntimeRemainingSeconds: LIVE.has(row.state) ? Math.max(0, profile.expectedRuntimeSeconds - runSeconds) : 0,
    interferenceScore: row.interferenceScore,
    price: row.price,
    scoreBreakdown: row.score,
    preemption: row.notice
      ? {
          reason: row.notice.reason,
          noticeGivenSeconds: row.notice.noticeGivenSeconds,
          deadline: iso(row.notice.deadline),
          preemptorId: row.notice.preemptorId,
          penalty: row.notice.penalty,
        }
      : null,
  };
}
