/** A seeded RandomSource on pure-rand's xoroshiro128+, so the same seed gives the same stream on every platform. */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { RandomSource } from './types.js';

export function seededRandom(seed: number): RandomSource {
  if (!Number.isFinite(seed)) throw new RangeError(`seededRandom: seed must be a finite number, got ${seed}`);
  const rng = xoroshiro128plus(seed | 0);
  return { next: () => uniformFloat64(rng) };
}
