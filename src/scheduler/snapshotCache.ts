/**
 * What the clearing loop remembers between snapshots, so that each round reads from the database only what changed
 * since the last one instead of every live instance with its history, every pending bid and every profile.
 *
 * Every entry is keyed by something that changes whenever its content does, and is only ever filled from a snapshot
 * read (one repeatable-read transaction), so a cached value is always a fact about one committed state:
 * - an instance row by its `version` (every change of an instance row bumps it: src/db/schema.ts);
 * - an instance's recent history by its `feedbackCount` (raised in the same transaction that stores samples, and
 *   feedback rows are never changed or deleted);
 * - a pending bid by its id (the fields the engine reads are written once, when the bid is submitted);
 * - a profile by its id (profiles are immutable).
 * Writes by other processes sharing the database are seen the same way, since they bump the same columns.
 *
 * The engine's objects built from unchanged entries are reused as they are (same object from round to round), which
 * also lets the prediction cache (predictionCache.ts) recognize an unchanged history by identity. They are frozen,
 * so that nothing (the engine runs inline in tests) can change what the next round will be given.
 */
import type { instances } from '../db/schema.js';
import type { FeedbackSample, InstancePrediction, PendingBid, RunningInstance, WorkloadProfile } from '../market/types.js';

export type InstanceRow = typeof instances.$inferSelect;

export interface LiveInstance {
  row: InstanceRow;
  profile: WorkloadProfile;
  /** The instance's most recent feedback samples, oldest first, as of `feedbackCount` (null: not read yet). */
  history: FeedbackSample[] | null;
  feedbackCount: number;
  /** The instance's `lastFeedbackId` when `history` was read: later samples have larger ids (0: none stored). */
  historyLastId: number;
  /** The engine's view of the row with `history`; rebuilt when either changes. */
  running: RunningInstance | null;
}

export class SnapshotCache {
  readonly instances = new Map<string, LiveInstance>();
  readonly bids = new Map<string, PendingBid>();
  /** Profiles of pending bids by id (an instance's entry holds its own). */
  readonly profiles = new Map<string, WorkloadProfile>();

  /**
   * Takes in predictions this process's last plan recorded, once that plan has committed: each row gets the
   * prediction and the version the plan's UPDATE gave it (applyPlan's writePredictions bumps it by one under the row
   * lock the plan held), so the next snapshot need not read the row again. Only for instances the plan changed in no
   * other way; the engine's view of the row stays the same object (it holds no prediction).
   */
  recordPredictions(written: readonly InstancePrediction[]): void {
    for (const { instanceId, prediction } of written) {
      const entry = this.instances.get(instanceId);
      if (entry) entry.row = deepFreeze({ ...entry.row, prediction, version: entry.row.version + 1 });
    }
  }

  /**
   * Becomes a copy of `other` (another reader's cache, between its reads): the entries are copied, the immutable
   * rows, histories and engine views they hold are shared. So a reader that reads rarely starts from another's
   * recent state instead of from its own old one.
   */
  adopt(other: SnapshotCache): void {
    this.instances.clear();
    for (const [id, entry] of other.instances) this.instances.set(id, { ...entry });
    this.bids.clear();
    for (const [id, bid] of other.bids) this.bids.set(id, bid);
    this.profiles.clear();
    for (const [id, profile] of other.profiles) this.profiles.set(id, profile);
  }

  /** Forgets what the last snapshot no longer holds (finished instances, decided bids, their profiles). */
  retain(liveInstanceIds: ReadonlySet<string>, pendingBidIds: ReadonlySet<string>): void {
    for (const id of this.instances.keys()) if (!liveInstanceIds.has(id)) this.instances.delete(id);
    for (const id of this.bids.keys()) if (!pendingBidIds.has(id)) this.bids.delete(id);
    const used = new Set<string>();
    for (const bid of this.bids.values()) used.add(bid.profileId);
    for (const id of this.profiles.keys()) if (!used.has(id)) this.profiles.delete(id);
  }
}

/** Freezes a plain-data value and everything reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
