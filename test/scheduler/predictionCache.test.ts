/** The prediction cache answers exactly what the predictor would, running it only on inputs it has not seen. */
import { describe, expect, it } from 'vitest';
import { StatisticalPredictor, type Prediction, type Predictor, type PredictorInput } from '../../src/market/index.js';
import { PredictionCache } from '../../src/scheduler/predictionCache.js';
import { NOW, profile } from '../market/builders.js';

/** Counts the inputs it is asked about. */
class CountingPredictor implements Predictor {
  readonly version = null;
  calls: number[] = [];
  private readonly inner = new StatisticalPredictor();
  predict(inputs: readonly PredictorInput[]): Prediction[] {
    this.calls.push(inputs.length);
    return this.inner.predict(inputs);
  }
}

const history = (k: number) =>
  Array.from({ length: 8 }, (_, j) => ({ at: NOW - (8 - j) * 60_000, cpu: 0.5 + ((j + k) % 3) / 4, memory: 900 + k, network: 30 }));

describe('PredictionCache', () => {
  it('equals the predictor on every input, and predicts only new histories and profiles', () => {
    const web = profile();
    const batch = profile({ cpu: { avg: 3, peak: 6 } });
    const instances: PredictorInput[] = [0, 1, 2].map((k) => ({ profile: web, history: history(k) }));
    const bids: PredictorInput[] = [
      { profile: web, history: [] },
      { profile: batch, history: [] },
      { profile: web, history: [] },
    ];
    const predictor = new CountingPredictor();
    const cache = new PredictionCache();
    const reference = new StatisticalPredictor();

    const first = cache.predict(predictor, [...instances, ...bids]);
    expect(first.predictions).toEqual(reference.predict([...instances, ...bids]));
    expect(predictor.calls).toEqual([5]); // 3 histories + 2 distinct profiles
    expect(first).toMatchObject({ predicted: 5, reused: 1 });

    // Next round: instance 1 got feedback (a new history array), a new bid of a known profile arrived.
    const next = [instances[0]!, { profile: web, history: [...history(1), { at: NOW, cpu: 2, memory: 950, network: 31 }] }, instances[2]!];
    const nextBids = [...bids, { profile: batch, history: [] }];
    const second = cache.predict(predictor, [...next, ...nextBids]);
    expect(second.predictions).toEqual(reference.predict([...next, ...nextBids]));
    expect(predictor.calls).toEqual([5, 1]);
    expect(second).toMatchObject({ predicted: 1, reused: 6 });
    expect(second.predictions[0]).toBe(first.predictions[0]);
  });

  it('does not reuse across predictors, or for the same values in a new object', () => {
    const input = { profile: profile(), history: history(0) };
    const cache = new PredictionCache();
    const a = new CountingPredictor();
    const b = new CountingPredictor();
    cache.predict(a, [input]);
    cache.predict(b, [input]);
    expect(b.calls).toEqual([1]); // another model (a swap) predicts again
    cache.predict(a, [{ profile: input.profile, history: [...input.history] }]);
    expect(a.calls).toEqual([1, 1]); // equal values, but not the history the cache saw: predicted again
    cache.predict(a, [{ profile: profile(), history: input.history }]);
    expect(a.calls).toEqual([1, 1, 1]); // the same history under another profile object
  });

  it('freezes what it hands out, and calls nothing when everything is known', () => {
    const input = { profile: profile(), history: [] };
    const cache = new PredictionCache();
    const predictor = new CountingPredictor();
    const [p] = cache.predict(predictor, [input]).predictions;
    expect(Object.isFrozen(p) && Object.isFrozen(p!.cpu)).toBe(true);
    expect(cache.predict(predictor, [input, input])).toMatchObject({ predicted: 0, reused: 2 });
    expect(predictor.calls).toEqual([1]);
  });
});
