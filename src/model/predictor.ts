import { extractFeatureMatrix, predictionScale } from '../features/extract.js';
import type { Prediction, Predictor, PredictorInput } from '../market/types.js';
import { ratiosToPredictions, type UtilizationNetwork } from './utilization.js';

/** The engine's Predictor backed by a trained tfjs network: one batched inference per call (per round). */
export class TfjsPredictor implements Predictor {
  constructor(
    readonly version: string,
    readonly network: UtilizationNetwork,
  ) {}

  predict(inputs: readonly PredictorInput[]): Prediction[] {
    const features = extractFeatureMatrix(inputs);
    const ratios = this.network.predictRatios(features, inputs.length);
    return ratiosToPredictions(
      ratios,
      inputs.map((i) => predictionScale(i.profile)),
      this.version,
    );
  }
}
