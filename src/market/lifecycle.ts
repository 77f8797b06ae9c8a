/**
 * Round start: notified instances whose deadline has passed are stopped or complete their move, and bids that have
 * waited longer than their `maxWaitSeconds` (or the configured default) expire.
 */
import type { BidOutcome, PendingBid, RunningInstance, Termination } from './types.js';

export interface Survivors {
  terminations: Termination[];
  /** Instances still holding capacity this round; a completed move appears on its destination node. */
  active: RunningInstance[];
}

export function applyDeadlines(instances: readonly RunningInstance[], now: number): Survivors {
  const terminations: Termination[] = [];
  const active: RunningInstance[] = [];
  for (const inst of instances) {
    const notice = inst.notice;
    if (inst.state !== 'notified' || notice === null || notice.deadline > now) {
      active.push(inst);
      continue;
    }
    if (notice.moveToNodeId === null) {
      terminations.push({ instanceId: inst.id, kind: 'preempted', nodeId: null });
      continue;
    }
    terminations.push({ instanceId: inst.id, kind: 'moved', nodeId: notice.moveToNodeId });
    active.push({
      ...inst,
      nodeId: notice.moveToNodeId,
      state: 'running',
      notice: null,
      movedFrom: [...inst.movedFrom, { nodeId: inst.nodeId, at: now }],
    });
  }
  return { terminations, active };
}

export function expireBids(
  bids: readonly PendingBid[],
  now: number,
  defaultMaxWaitSeconds: number,
): { live: PendingBid[]; expired: BidOutcome[] } {
  const live: PendingBid[] = [];
  const expired: BidOutcome[] = [];
  for (const bid of bids) {
    const maxWait = bid.maxWaitSeconds ?? defaultMaxWaitSeconds;
    const waited = (now - bid.submittedAt) / 1000;
    if (waited > maxWait) {
      expired.push({
        bidId: bid.id,
        outcome: 'expired',
        reason: 'expired',
        detail: `waited ${Math.round(waited)} s, longer than maxWaitSeconds ${maxWait}`,
        score: null,
      });
    } else live.push(bid);
  }
  return { live, expired };
}
