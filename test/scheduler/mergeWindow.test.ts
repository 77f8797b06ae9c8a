/**
 * The incremental history read's merge (src/scheduler/snapshot.ts): the cached window plus the samples stored since
 * gives exactly the window a whole read gives, the latest `limit` samples by (at, id), whatever the times of the new
 * samples (late, early, equal to old ones).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeWindow } from '../../src/scheduler/snapshot.js';
import type { FeedbackSample } from '../../src/market/types.js';

type Stored = FeedbackSample & { id: number };

/** What a whole read returns: the latest `limit` samples by (at, id), oldest first, without ids. */
function wholeRead(stored: readonly Stored[], limit: number): FeedbackSample[] {
  const sorted = [...stored].sort((a, b) => a.at - b.at || a.id - b.id);
  return sorted.slice(Math.max(0, sorted.length - limit)).map(({ id: _id, ...s }) => s);
}

describe('mergeWindow', () => {
  it('equals a whole read after any batch of new samples', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 12 }),
        (oldTimes, newTimes, limit) => {
          // Ids in storing order: every new sample has a larger id than every old one (the ingestion's row lock).
          const old = oldTimes.map((at, k) => ({ id: k + 1, at, cpu: k, memory: 1, network: 1 }));
          const added = newTimes.map((at, k) => ({ id: old.length + k + 1, at, cpu: 100 + k, memory: 2, network: 2 }));
          const sortedAdded = [...added].sort((a, b) => a.at - b.at || a.id - b.id);
          expect(mergeWindow(wholeRead(old, limit), sortedAdded, limit)).toEqual(wholeRead([...old, ...added], limit));
        },
      ),
      { numRuns: 500 },
    );
  });
});
