/**
 * A bounded in-process map for facts that never change once true, so they can be remembered without invalidation:
 * which client (or the operator) a verified secret belongs to (keys never change owner and there is no revocation;
 * the operator token is only replaced at start-up, before any request; a revocation endpoint would have to drop the
 * key here), and which client owns a profile (profiles are immutable and never deleted). Misses are not cached, so a
 * new key or profile works at once and unknown secrets cannot fill it. The secrets it holds are ones this process
 * already received in requests; the database still stores only their hashes. Beyond `capacity` entries the oldest
 * is dropped (a Map keeps insertion order).
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity = 10_000) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
