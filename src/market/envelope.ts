/**
 * A Predictor whose quantiles never fall below another predictor's: the mean comes from `primary` (a learned
 * model), each p95 and p99 is max(primary, floor). This is the max-of-predictors rule of peak-oriented
 * overcommit (Bashir et al., "Take it to the limit: peak prediction-driven resource overcommitment in
 * datacenters", EuroSys 2021: max(per-task percentile, mean + N·σ)), applied to a learned model and the statistical
 * predictor. A learned model's tails can be far too thin on workloads unlike its training data: in the simulator,
 * the shipped model's p95 covered 0.77–0.85 of the next hour's samples where the statistical predictor covered
 * 0.97 (docs/model-card.md); placement under the chance constraint needs tails that hold.
 */
import type { Prediction, Predictor, PredictorInput, Quantiles } from './types.js';

function envelope(primary: Quantiles, floor: Quantiles): Quantiles {
  const p95 = Math.max(primary.p95, floor.p95, primary.mean);
  return { mean: primary.mean, p95, p99: Math.max(primary.p99, floor.p99, p95) };
}

export class EnvelopePredictor implements Predictor {
  constructor(
    readonly primary: Predictor,
    readonly floor: Predictor,
  ) {}

  get version(): string | null {
    return this.primary.version;
  }

  predict(inputs: readonly PredictorInput[]): Prediction[] {
    const primary = this.primary.predict(inputs);
    const floor = this.floor.predict(inputs);
    return primary.map((p, i) => {
      const f = floor[i]!;
      const tails = (q: Quantiles) => ({ p95: q.p95, p99: q.p99 });
      return {
        cpu: envelope(p.cpu, f.cpu),
        memory: envelope(p.memory, f.memory),
        network: envelope(p.network, f.network),
        modelVersion: p.modelVersion,
        // The primary's own tails, which the envelope may have raised: online recalibration tracks the primary.
        ...(p.modelVersion !== null ? { modelTails: { cpu: tails(p.cpu), memory: tails(p.memory), network: tails(p.network) } } : {}),
      };
    });
  }
}
