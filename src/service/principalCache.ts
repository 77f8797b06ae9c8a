/**
 * Remembers which client (or the operator) a secret's hash belongs to, so a request costs no authentication query
 * after the first. Safe because a key never changes owner and Parley has no key revocation; the operator token is
 * only replaced at start-up, before any request. Unknown secrets are not cached, so a new key works at once.
 * Bounded: beyond `capacity` entries the oldest is dropped (Map keeps insertion order).
 */
import type { Principal } from './authenticate.js';

export class PrincipalCache {
  private readonly entries = new Map<string, Principal>();

  constructor(private readonly capacity = 10_000) {}

  get(hash: string): Principal | undefined {
    return this.entries.get(hash);
  }

  set(hash: string, principal: Principal): void {
    this.entries.set(hash, principal);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
