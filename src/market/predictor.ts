/**
 * The statistical Predictor: the declared profile (with its burst mixture) as a prior, blended with a decayed
 * histogram of the instance's own feedback, in the spirit of the Kubernetes VPA recommender's decaying histogram.
 *
 * Per resource:
 *   prior: mean and variance from the burst mixture (burst.ts; bursts apply to CPU and network, memory is not bursty by
 *          declaration because its declared peak is a hard limit), quantiles by the Gaussian approximation mean + z·σ.
 *   observed: sample weights wᵢ = 0.5^(ageᵢ / halfLife) with the age measured from the newest sample (the predictor has
 *          no clock); weighted mean and weighted empirical p95/p99.
 *   blend: α = n_eff / (n_eff + priorStrength) with n_eff = Σwᵢ; mean = α·obs + (1−α)·prior, same for each quantile.
 *
 * It runs for every running instance every round, so the burst fit is computed once per input and the feedback is
 * summarized in reused scratch arrays.
 */
import type { FeedbackSample, Prediction, Predictor, PredictorInput, Quantiles, ResourceSpec } from './types.js';
import { burstShape, mixtureMoments, type BurstShape } from './burst.js';
import { Z95, Z99 } from './normal.js';
import { weightedSummary, type WeightedSummary } from './weightedQuantiles.js';

export interface StatisticalPredictorOptions {
  /** Half-life of a feedback sample's weight, in seconds of sample age. */
  halfLifeSeconds?: number;
  /** How many (effective) samples the declaration is worth. */
  priorStrength?: number;
}

const CPU = 0;
const MEMORY = 1;
const NETWORK = 2;

export class StatisticalPredictor implements Predictor {
  readonly version = null;
  private readonly decayPerMs: number;
  private readonly priorStrength: number;
  private readonly summary: WeightedSummary = { mean: 0, p95: 0, p99: 0, totalWeight: 0 };
  private weights = new Float64Array(64);
  /** One pass over the feedback objects fills these; the per-resource work then reads only typed arrays. */
  private samples = [new Float64Array(64), new Float64Array(64), new Float64Array(64)] as const;

  constructor(options: StatisticalPredictorOptions = {}) {
    const halfLifeMs = (options.halfLifeSeconds ?? 3600) * 1000;
    this.priorStrength = options.priorStrength ?? 10;
    if (!(halfLifeMs > 0)) throw new RangeError('StatisticalPredictor: halfLifeSeconds must be positive');
    if (!(this.priorStrength >= 0)) throw new RangeError('StatisticalPredictor: priorStrength must be ≥ 0');
    // 0.5^(age / halfLife) = exp(−age · ln 2 / halfLife)
    this.decayPerMs = Math.LN2 / halfLifeMs;
  }

  predict(inputs: readonly PredictorInput[]): Prediction[] {
    const out = new Array<Prediction>(inputs.length);
    for (let i = 0; i < inputs.length; i++) {
      const { profile, history } = inputs[i]!;
      const shape = burstShape(profile.burst);
      this.fillWeights(history);
      out[i] = {
        cpu: this.resource(profile.cpu, shape, history, CPU),
        memory: this.resource(profile.memory, null, history, MEMORY),
        network: this.resource(profile.network, shape, history, NETWORK),
        modelVersion: null,
      };
    }
    return out;
  }

  private fillWeights(history: readonly FeedbackSample[]): void {
    const n = history.length;
    if (this.weights.length < n) {
      this.weights = new Float64Array(2 * n);
      this.samples = [new Float64Array(2 * n), new Float64Array(2 * n), new Float64Array(2 * n)];
    }
    const [cpu, memory, network] = this.samples;
    let newest = -Infinity;
    for (let k = 0; k < n; k++) {
      const s = history[k]!;
      if (s.at > newest) newest = s.at;
      this.weights[k] = s.at;
      cpu[k] = s.cpu;
      memory[k] = s.memory;
      network[k] = s.network;
    }
    for (let k = 0; k < n; k++) this.weights[k] = Math.exp(-(newest - this.weights[k]!) * this.decayPerMs);
  }

  private resource(spec: ResourceSpec, shape: BurstShape | null, history: readonly FeedbackSample[], r: number): Quantiles {
    const prior = mixtureMoments(spec, shape);
    const sd = Math.sqrt(prior.variance);
    const p95 = prior.mean + Z95 * sd;
    const p99 = prior.mean + Z99 * sd;
    if (history.length === 0) return { mean: prior.mean, p95, p99 };
    const obs = weightedSummary(this.samples[r]!, this.weights, history.length, this.summary);
    const alpha = obs.totalWeight / (obs.totalWeight + this.priorStrength);
    const mean = alpha * obs.mean + (1 - alpha) * prior.mean;
    return {
      mean,
      p95: Math.max(mean, alpha * obs.p95 + (1 - alpha) * p95),
      p99: Math.max(mean, alpha * Math.max(obs.p99, obs.p95) + (1 - alpha) * p99),
    };
  }
}
