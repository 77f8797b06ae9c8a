/**
 * A per-process cache of instance rows for status reads, the hottest path of the API. An instance row changes only
 * in a clearing round (placement, notice, move, preemption, completion) or when feedback arrives, so this process
 * clears the cache after each of its rounds and drops an instance's entry when feedback for it is stored. Writes made
 * by another process sharing the database are seen after at most `ttlMs` (wall time), which defaults to the round
 * period. `ttlMs = 0` disables caching.
 */
import type { LatestSample } from './instanceRows.js';
import type { instances } from '../db/schema.js';
import type { WorkloadProfile } from '../market/types.js';

export interface CachedInstance {
  instance: typeof instances.$inferSelect;
  profile: WorkloadProfile;
  latest: LatestSample | null;
}

export class StatusCache {
  private readonly entries = new Map<string, { row: CachedInstance; storedAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly capacity = 100_000,
    private readonly wallClock: () => number = () => performance.now(),
  ) {}

  get(instanceId: string): CachedInstance | undefined {
    const entry = this.entries.get(instanceId);
    if (!entry) return undefined;
    if (this.wallClock() - entry.storedAt >= this.ttlMs) {
      this.entries.delete(instanceId);
      return undefined;
    }
    return entry.row;
  }

  set(row: CachedInstance): void {
    if (this.ttlMs <= 0) return;
    this.entries.set(row.instance.id, { row, storedAt: this.wallClock() });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  invalidate(instanceId: string): void {
    this.entries.delete(instanceId);
  }

  clear(): void {
    this.entries.clear();
  }
}
