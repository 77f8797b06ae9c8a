import { describe, expect, it } from 'vitest';
import { EnvelopePredictor } from '../../src/market/index.js';
import type { Prediction, Predictor, Quantiles } from '../../src/market/index.js';
import { profile } from './builders.js';

const q = (mean: number, p95: number, p99: number): Quantiles => ({ mean, p95, p99 });
const fixed = (version: string | null, cpu: Quantiles): Predictor => ({
  version,
  predict: (inputs) => inputs.map((): Prediction => ({ cpu, memory: q(100, 120, 130), network: q(5, 6, 7), modelVersion: version })),
});

describe('EnvelopePredictor', () => {
  const input = [{ profile: profile(), history: [] }];
  it.each([
    { name: 'thin model tails are raised to the floor', model: q(1, 1.2, 1.3), floor: q(2, 3, 4), want: q(1, 3, 4) },
    { name: 'wider model tails are kept', model: q(1, 5, 6), floor: q(2, 3, 4), want: q(1, 5, 6) },
    { name: 'a floor p95 under the model mean still leaves p95 ≥ mean', model: q(3, 3, 3), floor: q(1, 2, 2.5), want: q(3, 3, 3) },
    { name: 'the p99 is never below the p95', model: q(1, 4, 4), floor: q(1, 2, 3.5), want: q(1, 4, 4) },
  ])('$name', ({ model, floor, want }) => {
    const [p] = new EnvelopePredictor(fixed('v1', model), fixed(null, floor)).predict(input);
    expect(p!.cpu).toEqual(want);
  });

  it('keeps the primary model version on the predictor and on every prediction', () => {
    const env = new EnvelopePredictor(fixed('v1', q(1, 2, 3)), fixed(null, q(1, 2, 3)));
    expect(env.version).toBe('v1');
    expect(env.predict([...input, ...input]).map((p) => p.modelVersion)).toEqual(['v1', 'v1']);
  });
});
