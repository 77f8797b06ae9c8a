/** Row → API view conversions shared by several verbs. */
import type { InstanceStatus, BidView } from '../api/schemas.js';
import type { Prediction, WorkloadProfile } from '../market/types.js';
import type { bids, instances } from '../db/schema.js';
import type { LatestSample } from './instanceRows.js';
import type { CachedInstance } from './statusCache.js';

declare const serializedAs: unique symbol;
/** JSON text produced by serializing a value of type T (so a route can send it as a T). */
export type JsonText<T> = string & { readonly [serializedAs]: T };

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

/** Declared runtime left for a live instance (0 once it has ended). */
function remainingSeconds(row: typeof instances.$inferSelect, profile: WorkloadProfile, now: number): number {
  return LIVE.has(row.state) ? Math.max(0, profile.expectedRuntimeSeconds - (now - row.startedAt) / 1000) : 0;
}

export function instanceView(
  row: typeof instances.$inferSelect,
  profile: WorkloadProfile,
  latest: LatestSample | null,
  now: number,
): InstanceStatus {
  return {
    instanceId: row.id,
    bidId: row.bidId,
    state: row.state,
    nodeId: row.nodeId,
    usage: latest ? { cpu: latest.cpu, memory: latest.memory, network: latest.network, at: iso(Number(latest.at)) } : null,
    predictedUtilization: predictionView(row.prediction),
    priority: { declared: row.declaredPriority, effective: row.effectivePriority },
    estimatedRuntimeRemainingSeconds: remainingSeconds(row, profile, now),
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

/**
 * Where a live instance's JSON holds `estimatedRuntimeRemainingSeconds`, the one field that changes with the clock.
 * JSON.stringify escapes U+0000, so the slot cannot collide with any other string in the view.
 */
const RUNTIME_MARK = '\u0000remaining\u0000';
const RUNTIME_SLOT = JSON.stringify(RUNTIME_MARK);

/** A cached row's JSON, computed once: whole for a finished instance, around the runtime slot for a live one. */
const serialized = new WeakMap<CachedInstance, string | [head: string, tail: string]>();

/**
 * The JSON of `instanceView(row…, now)`, for status reads. A cached row is immutable (the cache replaces rows, never
 * edits them), so its JSON is built once and each read only writes the remaining runtime into it.
 */
export function instanceStatusJson(row: CachedInstance, now: number): JsonText<InstanceStatus> {
  let parts = serialized.get(row);
  if (parts === undefined) {
    const view = instanceView(row.instance, row.profile, row.latest, now);
    if (LIVE.has(row.instance.state)) {
      const text = JSON.stringify({ ...view, estimatedRuntimeRemainingSeconds: RUNTIME_MARK });
      const at = text.indexOf(RUNTIME_SLOT);
      parts = [text.slice(0, at), text.slice(at + RUNTIME_SLOT.length)];
    } else {
      parts = JSON.stringify(view);
    }
    serialized.set(row, parts);
  }
  if (typeof parts === 'string') return parts as JsonText<InstanceStatus>;
  const remaining = remainingSeconds(row.instance, row.profile, now);
  return `${parts[0]}${JSON.stringify(remaining)}${parts[1]}` as JsonText<InstanceStatus>;
}
