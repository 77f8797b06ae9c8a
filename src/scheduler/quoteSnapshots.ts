/**
 * Snapshots for what-if quotes. A quote runs the round on the market as it is, so it needs a whole snapshot: every
 * live instance with its recent history. Read cold, that is slow (1.3 s on PGlite for 2,000 instances with 60 samples
 * each, where the clearing loop's incremental read takes 20–50 ms), so quotes read incrementally too, through a
 * SnapshotCache of their own: the loop's is its own, since a cache must never serve two reads at once. (Predictions
 * go through the round runner's prediction cache, which is synchronous and so shared safely: roundRunner.ts.)
 *
 * Reads run one at a time. A quote that arrives while a read runs waits for the next read, and every quote that
 * arrived meanwhile shares that one. So each quote sees at least everything committed before it arrived, and a burst
 * of quotes costs two reads, not one each. Between reads the clearing loop hands over its cache after every round
 * (`adopt`), so even a quote after a long quiet spell reads only what changed since the last round.
 */
import type { Db } from '../db/database.js';
import type { Snapshot } from '../market/types.js';
import { readSnapshot, type SnapshotOptions } from './snapshot.js';
import { SnapshotCache } from './snapshotCache.js';

export class QuoteSnapshots {
  private readonly cache = new SnapshotCache();
  /** The read running now (settled when none runs). */
  private running: Promise<unknown> = Promise.resolve();
  /** The read that starts when `running` ends, shared by every caller since it was queued. */
  private queued: Promise<Snapshot> | null = null;
  /** Reads started and not finished. */
  private active = 0;
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
        this.active++;
        try {
          const now = this.now();
          const read = await this.db.transaction((tx) => readSnapshot(tx, now, { ...this.options, cache: this.cache }), {
            isolationLevel: 'repeatable read',
            accessMode: 'read only',
          });
          return read.snapshot;
        } finally {
          this.active--;
        }
      });
    this.queued = next;
    this.running = next;
    return next;
  }

  /**
   * Takes over `cache` (the clearing loop's, after a round) unless a quote's read is running or waiting to run; the
   * next read then only reads what changed since.
   */
  adopt(cache: SnapshotCache): void {
    if (this.active === 0 && this.queued === null) this.cache.adopt(cache);
  }
}
