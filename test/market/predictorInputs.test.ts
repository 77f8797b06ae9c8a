/** The round's single predict call receives exactly `roundPredictorInputs(snapshot, config)`: the contract the service relies on. */
import { describe, expect, it } from 'vitest';
import {
  clearRound,
  roundPredictorInputs,
  seededRandom,
  StatisticalInterferenceModel,
  StatisticalPredictor,
  type Prediction,
  type Predictor,
  type PredictorInput,
} from '../../src/market/index.js';
import { NOW, bid, instance, node, snapshot } from './builders.js';

class RecordingPredictor implements Predictor {
  readonly version = null;
  readonly calls: PredictorInput[][] = [];
  private readonly inner = new StatisticalPredictor();
  predict(inputs: readonly PredictorInput[]): Prediction[] {
    this.calls.push([...inputs]);
    return this.inner.predict(inputs);
  }
}

describe('roundPredictorInputs', () => {
  it('lists active instances then live bids, as clearRound asks its predictor once', () => {
    const history = [{ at: NOW - 60_000, cpu: 1, memory: 900, network: 10 }];
    const snap = snapshot({
      nodes: [node('n1'), node('n2')],
      instances: [
        instance('keep', 'n1', { history }),
        instance('gone', 'n2', {
          state: 'notified',
          notice: { reason: 'drain', noticeGivenSeconds: 60, deadline: NOW - 1, noticedAt: NOW - 61_000, preemptorId: null, penalty: null, moveToNodeId: null },
        }),
      ],
      bids: [bid('live'), bid('stale', { submittedAt: NOW - 86_400_000, maxWaitSeconds: 10 })],
    });
    const config = { defaultMaxWaitSeconds: 600 };
    const expected = roundPredictorInputs(snap, config);
    expect(expected.map((i) => i.history)).toEqual([history, []]);
    expect(expected[1]!.profile).toBe(snap.bids[0]!.profile);

    const predictor = new RecordingPredictor();
    const plan = clearRound(snap, { predictor, interference: new StatisticalInterferenceModel(), random: seededRandom(3) }, config);
    expect(predictor.calls).toEqual([expected]);
    // The plan records what each active instance was decided with (the instance past its deadline is not active).
    expect(plan.predictions).toEqual([{ instanceId: 'keep', prediction: new StatisticalPredictor().predict([expected[0]!])[0] }]);
  });
});
