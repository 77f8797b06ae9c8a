/**
 * A per-process cache of instance rows for status reads, the hottest path of the API.
 *
 * What keeps it true:
 * - Every clearing round of this process refreshes it with the rows of every live instance its snapshot read (one
 *   committed state), and then drops the instances its plan changed once the plan has committed; instances it
 *   completed are dropped as well. So the cache follows the rounds instance by instance instead of being cleared.
 * - Writes of this process's requests drop the instance's entry after they commit and before they answer (feedback,
 *   termination), so a read after a write by this process sees the write.
 * - A read that fills the cache takes a `token()` before it reads; what it stores is dropped if the instance was
 *   invalidated after the token (its read may predate the write), so a slow read can never put back a stale row.
 * - Writes made by another process sharing the database are seen after at most `ttlMs` (wall time): an entry is
 *   served only while younger than that, its age counted from before the read that produced it. The rounds refresh
 *   live instances every round period (the default TTL), and anything else is read again once its entry expires.
 *   `ttlMs = 0` disables caching.
 */
import type { LatestSample } from './instanceRows.js';
import type { instances } from '../db/schema.js';
import type { WorkloadProfile } from '../market/types.js';

export interface CachedInstance {
  instance: typeof instances.$inferSelect;
  profile: WorkloadProfile;
  latest: LatestSample | null;
}

interface Entry {
  row: CachedInstance;
  storedAt: number;
}

export class StatusCache {
  private readonly entries = new Map<string, Entry>();
  /** Count of invalidations so far; a token is its value when a read starts. */
  private seq = 0;
  /** Sequence number of each instance's latest invalidation, since `floor`. */
  private readonly invalidated = new Map<string, number>();
  /** Tokens below this are refused: the invalidations they would be checked against were forgotten. */
  private floor = 0;
  /** Reads answered from the cache and not (exported as parley_status_reads_total). */
  hits = 0;
  misses = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly capacity = 100_000,
    private readonly wallClock: () => number = () => performance.now(),
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** The wall clock this cache measures ages with (performance.now() unless a test passes its own). */
  now(): number {
    return this.wallClock();
  }

  get(instanceId: string): CachedInstance | undefined {
    const entry = this.entries.get(instanceId);
    if (entry && this.wallClock() - entry.storedAt < this.ttlMs) {
      this.hits++;
      return entry.row;
    }
    if (entry) this.entries.delete(instanceId);
    this.misses++;
    return undefined;
  }

  /** Take before reading a row to store: a write to that instance after this wins over what the read stores. */
  token(): number {
    return this.seq;
  }

  /** Stores a row read after `token` was taken (and after `readAt`, by `now()`, which bounds its age). */
  set(row: CachedInstance, token: number, readAt = this.wallClock()): void {
    if (!this.enabled || !this.fresh(row.instance.id, token)) return;
    const current = this.entries.get(row.instance.id);
    // A row read later (by another reader) is at least as new: keep it.
    if (current && current.storedAt > readAt) return;
    this.entries.set(row.instance.id, { row, storedAt: readAt });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  /**
   * Stores rows a clearing round read in one snapshot that began after `token` and `readAt`, and then forgets the
   * invalidations older than now (a reader holding an older token stores nothing, which is only a lost fill).
   */
  refresh(rows: Iterable<CachedInstance>, token: number, readAt: number): void {
    if (!this.enabled) return;
    for (const row of rows) this.set(row, token, readAt);
    this.invalidated.clear();
    this.floor = this.seq;
  }

  invalidate(instanceId: string): void {
    this.entries.delete(instanceId);
    this.invalidated.set(instanceId, ++this.seq);
    if (this.invalidated.size > this.capacity) {
      this.invalidated.clear();
      this.floor = this.seq;
    }
  }

  invalidateAll(instanceIds: Iterable<string>): void {
    for (const id of instanceIds) this.invalidate(id);
  }

  clear(): void {
    this.entries.clear();
    this.invalidated.clear();
    this.floor = ++this.seq;
  }

  private fresh(instanceId: string, token: number): boolean {
    if (token < this.floor) return false;
    const at = this.invalidated.get(instanceId);
    return at === undefined || at <= token;
  }
}
