/**
 * Seeded randomness for the simulator. Two kinds:
 * - `SimRandom`: a sequential stream (xoroshiro128+ from pure-rand) for generating the bid stream once per run;
 * - `hashUniform`: a stateless uniform keyed by integers, so the same (seed, workload, step) gets the same noise under
 *   every policy (common random numbers: policies differ only by their decisions, never by their luck).
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

export class SimRandom {
  private readonly rng: RandomGenerator;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    this.rng = xoroshiro128plus(seed | 0);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return uniformFloat64(this.rng);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.min(n - 1, Math.floor(this.next() * n));
  }

  /** Standard normal by the Marsaglia polar method. */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    for (;;) {
      const u = 2 * this.next() - 1;
      const v = 2 * this.next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * f;
        return u * f;
      }
    }
  }

  /** Log-normal with the given median and log-space standard deviation. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Picks a key of `weights` with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const keys = Object.keys(weights) as K[];
    const total = keys.reduce((s, k) => s + weights[k], 0);
    let r = this.next() * total;
    for (const k of keys) {
      r -= weights[k];
      if (r < 0) return k;
    }
    return keys[keys.length - 1]!;
  }
}

/** 32-bit integer mix (the murmur3 finalizer), used to combine keys into a well-spread hash. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform in (0, 1) that depends only on its integer keys. */
export function hashUniform(...keys: number[]): number {
  let h = 0x9e3779b9;
  for (const k of keys) h = mix32(h ^ mix32(k | 0));
  return (h + 0.5) / 4294967296;
}

/** A standard normal that depends only on its integer keys (inverse of two hashed uniforms by Box-Muller). */
export function hashNormal(...keys: number[]): number {
  const u1 = hashUniform(...keys, 1);
  const u2 = hashUniform(...keys, 2);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A stable integer id for a string key (FNV-1a), for use with `hashUniform`. */
export function stringKey(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
