import { extractFeatureMatrix, predictionScale } from '../features/extract.js';
import { RESOURCES, type Prediction, type Predictor, type PredictorInput, type WorkloadProfile } from '../market/types.js';
import { combinedShift } from './onlineCalibration.js';
import { ratiosToPredictions, type UtilizationNetwork } from './utilization.js';

/**
 * The engine's Predictor backed by a trained tfjs network: one batched inference per call (per round). With
 * `onlineShift`, the quantile heads are calibrated with the manifest's shifts plus that online correction
 * (src/model/onlineCalibration.ts); a new correction is a new predictor object, so cached predictions
 * (src/scheduler/predictionCache.ts, keyed by predictor) are never mixed across corrections.
 */
export class TfjsPredictor implements Predictor {
  private readonly shift: readonly number[];

  constructor(
    readonly version: string,
    readonly network: UtilizationNetwork,
    readonly onlineShift: readonly number[] | null = null,
  ) {
    this.shift = onlineShift ? combinedShift(network.manifest.calibration, onlineShift) : network.manifest.calibration;
  }

  predict(inputs: readonly PredictorInput[]): Prediction[] {
    const features = extractFeatureMatrix(inputs);
    const ratios = this.network.predictRatios(features, inputs.length, this.shift);
    const predictions = ratiosToPredictions(
      ratios,
      inputs.map((i) => predictionScale(i.profile)),
      this.version,
    );
    inputs.forEach((input, k) => {
      if (input.history.length === 0) capAtDeclaredPeak(predictions[k]!, input.profile);
    });
    return predictions;
  }
}

/**
 * With no history there is no evidence that a workload will exceed what its client declared: using more than the
 * declared peak is a profile violation the market penalizes, not a forecast. The network was trained on trace VMs
 * whose declared peak is their provisioned capacity (usage cannot exceed it), so for a declaration tighter than any
 * it saw (peak = 2 × avg, say) its extrapolation can land above the peak; the peak bounds it, as it bounds the
 * training targets. Quantiles stay ordered because each is capped by the same value.
 */
function capAtDeclaredPeak(prediction: Prediction, profile: WorkloadProfile): void {
  for (const r of RESOURCES) {
    const q = prediction[r];
    const peak = profile[r].peak;
    q.mean = Math.min(q.mean, peak);
    q.p95 = Math.min(q.p95, peak);
    q.p99 = Math.min(q.p99, peak);
  }
}
