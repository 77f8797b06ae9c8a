import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractFeatureMatrix, FEATURE_NAMES, rangeMax, rangeMean, rangeQuantile, sortedQuantile } from '../../src/features/index.js';
import type { FeedbackSample, PredictorInput } from '../../src/market/types.js';
import { profile } from '../model/fixture.js';
import { referenceFeatures } from './referenceExtract.js';

/** Values that stress selection: repeats, both zeros, tiny and huge magnitudes, negative feedback noise. */
const value = fc.oneof(
  fc.constantFrom(0, -0, 1, 2, 2, 0.5),
  fc.double({ min: -1e3, max: 1e6, noNaN: true }),
  fc.double({ min: 0, max: 1, noNaN: true }),
);

const sameBits = (a: number, b: number) => Object.is(a, b);

describe('selection-based window statistics', () => {
  it('rangeQuantile has the bits of sortedQuantile over a sorted copy, for any range and q', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 700 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(), fc.nat(), (values, q, a, b) => {
        const from = a % values.length;
        const to = from + 1 + (b % (values.length - from));
        const sorted = Float64Array.from(values.slice(from, to)).sort();
        const typed = Float64Array.from(values);
        expect(sameBits(rangeQuantile(typed, from, to, q), sortedQuantile(sorted, q))).toBe(true);
        expect(sameBits(rangeMax(typed, from, to), sorted[sorted.length - 1]!)).toBe(true);
        expect(Array.from(typed)).toEqual(values); // the input is not rearranged
      }),
      { numRuns: 2000 },
    );
  });

  it('falls back to the sort on NaN, so even then the result is the sorted one', () => {
    const values = Float64Array.from([3, Number.NaN, 1, 2, Number.NaN]);
    for (const q of [0, 0.5, 0.6, 0.95, 1]) {
      expect(sameBits(rangeQuantile(values, 0, 5, q), sortedQuantile(values.slice().sort(), q))).toBe(true);
    }
    expect(rangeMax(values, 0, 5)).toBeNaN();
  });

  it('rangeMean sums in slice order', () => {
    const v = Float64Array.from([0.1, 0.2, 0.3, 1e16, -1e16, 0.7]);
    expect(rangeMean(v, 1, 6)).toBe(v.subarray(1).reduce((s, x) => s + x, 0) / 5);
    expect(rangeMean(v, 2, 2)).toBeNaN();
  });
});

const T0 = Date.UTC(2013, 6, 10, 7, 35);
/** Histories as the service and the traces produce them (oldest first): regular, jittered or repeated times, gaps, up to 2 days and more. */
const history = fc
  .record({
    length: fc.integer({ min: 0, max: 600 }),
    stepMs: fc.constantFrom(0, 60_000, 300_000, 300_000, 900_000),
    jitter: fc.boolean(),
    gapAt: fc.integer({ min: 0, max: 600 }),
    gapMs: fc.constantFrom(0, 3_600_000, 30 * 3_600_000),
    values: fc.array(fc.tuple(value, value, value), { minLength: 1, maxLength: 64 }),
  })
  .map(({ length, stepMs, jitter, gapAt, gapMs, values }) => {
    const out: FeedbackSample[] = [];
    let at = T0;
    for (let i = 0; i < length; i++) {
      at += stepMs + (jitter ? ((i * 7919) % 13) * 1000 : 0) + (i === gapAt ? gapMs : 0);
      const [cpu, memory, network] = values[(i * 31) % values.length]!;
      out.push({ at, cpu: Math.abs(cpu) * (i % 3), memory: memory + i, network: Math.abs(network) });
    }
    return out;
  });

describe('feature extraction without sorts', () => {
  it('writes the same bits as the sort-based definition of the features, for every feature', () => {
    fc.assert(
      fc.property(fc.array(history, { minLength: 1, maxLength: 6 }), (histories) => {
        const inputs: PredictorInput[] = histories.map((h) => ({ profile: profile(), history: h }));
        const fast = new Uint32Array(extractFeatureMatrix(inputs).buffer);
        inputs.forEach((input, i) => {
          const reference = new Uint32Array(referenceFeatures(input).buffer);
          const row = fast.subarray(i * FEATURE_NAMES.length, (i + 1) * FEATURE_NAMES.length);
          expect(Array.from(row)).toEqual(Array.from(reference));
        });
      }),
      { numRuns: 400 },
    );
  });
});
