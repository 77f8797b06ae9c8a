/**
 * The statistical Predictor: the declared profile (with its burst mixture) as a prior, blended with a decayed
 * histogram of the instance's own feedback, in the spirit of the Kubernetes VPA recommender's decaying histogram.
 *
 * Per resource:
 *   prior: mean and variance from `burstMixture` (bursts apply to CPU and network; memory is not bursty by declaration
 *          because its declared peak is a hard limit), quantiles by the Gaussian approximation mean + z·σ.
 *   observed: sample weights wᵢ = 0.5^(ageᵢ / halfLife) with the age measured from the newest sample (the predictor has
 *          no clock); weighted mean, variance and weighted empirical p95/p99.
 *   blend: α = n_eff / (n_eff + priorStrength) with n_eff = Σwᵢ; mean = α·obs + (1−α)·prior, same for each quantile.
 */
import type { FeedbackSample, Prediction, Predictor, PredictorInput, Quantiles, Resource } from './types.js';
import { burstMixture } from './burst.js';
import { Z95, Z99 } from './normal.js';
import { weightedSummary, type WeightedSummary } from './weightedQuantiles.js';

export interface StatisticalPredictorOptions {
  /** Half-life of a feedback sample's weight, in seconds of sample age. */
  halfLifeSeconds?: number;
  /** How many (effective) samples the declaration is worth. */
  priorStrength?: number;
}

export class StatisticalPredictor implements Predictor {
  readonly version = null;
  private readonly halfLifeMs: number;
  private readonly priorStrength: number;
  private readonly scratch: WeightedSummary = { mean: 0, p95: 0, p99: 0, totalWeight: 0 };

  constructor(options: StatisticalPredictorOptions = {}) {
    this.halfLifeMs = (options.halfLifeSeconds ?? 3600) * 1000;
    this.priorStrength = options.priorStrength ?? 10;
    if (!(this.halfLifeMs > 0)) throw new RangeError('StatisticalPredictor: halfLifeSeconds must be positive');
    if (!(this.priorStrength >= 0)) throw new RangeError('StatisticalPredictor: priorStrength must be ≥ 0');
  }

  predict(inputs: readonly PredictorInput[]): Prediction[] {
    const out = new Array<Prediction>(inputs.length);
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!;
      const weights = this.weights(input.history);
      out[i] = {
        cpu: this.resource(input, 'cpu', weights),
        memory: this.resource(input, 'memory', weights),
        network: this.resource(input, 'network', weights),
        modelVersion: null,
      };
    }
    return out;
  }

  private weights(history: readonly FeedbackSample[]): Float64Array {
    const w = new Float64Array(history.length);
    if (history.length === 0) return w;
    let newest = -Infinity;
    for (const s of history) if (s.at > newest) newest = s.at;
    for (let i = 0; i < history.length; i++) w[i] = Math.pow(0.5, (newest - history[i]!.at) / this.halfLifeMs);
    return w;
  }

  private resource(input: PredictorInput, r: Resource, weights: Float64Array): Quantiles {
    const prior = burstMixture(input.profile[r], r === 'memory' ? null : input.profile.burst);
    const sd = Math.sqrt(prior.variance);
    const priorQ: Quantiles = { mean: prior.mean, p95: prior.mean + Z95 * sd, p99: prior.mean + Z99 * sd };
    const history = input.history;
    if (history.length === 0) return priorQ;
    const obs = weightedSummary(history.length, (k) => history[k]![r], weights, this.scratch);
    const wSum = obs.totalWeight;
    const alpha = wSum / (wSum + this.priorStrength);
    const mean = alpha * obs.mean + (1 - alpha) * priorQ.mean;
    return {
      mean,
      p95: Math.max(mean, alpha * obs.p95 + (1 - alpha) * priorQ.p95),
      p99: Math.max(mean, alpha * Math.max(obs.p99, obs.p95) + (1 - alpha) * priorQ.p99),
    };
  }
}
