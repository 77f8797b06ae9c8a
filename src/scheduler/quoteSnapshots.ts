/**
 * Snapshots for what-if quotes. A quote runs the round on the market as it is, so it needs a whole snapshot: every
 * live instance with its recent history. Read cold, that is slow (1.3 s on PGlite for 2,000 instances with 60 samples
 * each, where the clearing loop's incremental read takes 20–50 ms), so quotes read incrementally too, through a
 * SnapshotCache of their own: the loop's is its own, since a cache must never serve two reads at once. (Predictions
 * go through the round runner's prediction cache, which is synchronous and so shared safely: roundRunner.ts.)
 *
 * Reads run one at a time. A quote that arrives while a read runs waits for the next read, and every quote that
 * arrived meanwhile shares that one. So each quote sees at least everything committed before it arrived, and a burst
 * of quotes costs two reads, not one each. The clearing loop offers its cache after every round (`adopt`), and the
 * next read starts from a copy of it, so even a quote after a long quiet spell reads only what changed since the
 * last round. The copy is made then, not every round (3–7 ms at 20,000 instances), so a market without quotes pays
 * nothing for them. Copying the loop's cache while its own read is under way is safe: that read changes an entry only
 * between its awaits, each field to a fact of one committed state, and the quote's read checks every entry's version
 * and feedback count again.
 */
import type { Db } from '../db/database.js';
import type { Snapshot } from '../market/types.js';
import { readSnapshotConsistent, type SnapshotOptions } from './snapshot.js';
import { SnapshotCache } from './snapshotCache.js';

export class QuoteSnapshots {
  private readonly cache = new SnapshotCache();
  /** The read running now (settled when none runs). */
  private running: Promise<unknown> = Promise.resolve();
  /** The read that starts when `running` ends, shared by every caller since it was queued. */
  private queued: Promise<Snapshot> | null = null;
  /** The loop's cache, to copy at the start of the next read (null: nothing new since the last copy). */
  private offered: SnapshotCache | null = null;
  /** Reads made (tests check that quotes arriving together share one). */
  reads = 0;

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    private readonly options: Omit<SnapshotOptions, 'cache'>,
  ) {}

  /** A snapshot read after this call started (its `now` is the time the read began). */
  read(): Promise<Snapshot> {
    if (this.queued) return this.queued;
    const next = this.running
      .catch(() => undefined)
      .then(async () => {
        this.queued = null;
        this.reads++;
        if (this.offered) this.cache.adopt(this.offered);
        this.offered = null;
        const now = this.now();
        return (await readSnapshotConsistent(this.db, now, { ...this.options, cache: this.cache })).snapshot;
      });
    this.queued = next;
    this.running = next;
    return next;
  }

  /** Offers `cache` (the clearing loop's, after a round): the next read starts from a copy of it. */
  adopt(cache: SnapshotCache): void {
    this.offered = cache;
  }
}
