/**
 * Policies that drive the market engine itself (src/market): Parley with the learned model or the statistical
 * predictor, and the engine's kube-like baseline. The simulator holds no copy of the engine's logic.
 */
import {
  clearRound,
  kubeLikeRound,
  seededRandom,
  StatisticalInterferenceModel,
  StatisticalPredictor,
  type EngineConfig,
  type InterferenceModel,
  type Prediction,
  type Predictor,
} from '../../market/index.js';
import { OnlineCalibrator } from '../../model/onlineCalibration.js';
import type { Policy, PolicyName } from './policy.js';

/** How a learned model is recalibrated online from feedback, as the service does (src/model/onlineCalibration.ts). */
export interface OnlineRecalibration {
  /** The model's static calibration (manifest `calibration`). */
  staticShift: readonly number[];
  /** The serving predictor with an online correction added (LoadedVersion.servingWith). */
  servingWith(onlineShift: readonly number[]): Predictor;
}

export interface ParleyModels {
  predictor: Predictor;
  interference: InterferenceModel;
  /** When set, the policy recalibrates the model's quantile heads from the feedback the simulator reports. */
  online?: OnlineRecalibration;
}

export function statisticalModels(): ParleyModels {
  return { predictor: new StatisticalPredictor(), interference: new StatisticalInterferenceModel() };
}

/** Parley: `clearRound` with the given predictor and interference model, randomness seeded per run. */
export function parleyPolicy(
  name: Extract<PolicyName, 'parley' | 'parleyStatistical'>,
  models: ParleyModels,
  seed: number,
  config?: Partial<EngineConfig>,
): Policy {
  const deps = { predictor: models.predictor, interference: models.interference, random: seededRandom(seed) };
  const predictor = models.predictor.version ?? 'statistical';
  if (!models.online) return { name, predictor, decide: (snapshot) => clearRound(snapshot, deps, config) };
  // As the service: each instance's latest prediction is what its feedback is counted against, and the correction
  // steps before a round once a horizon has passed.
  const online = models.online;
  const calibrator = new OnlineCalibrator(online.staticShift);
  const held = new Map<string, Prediction>();
  return {
    name,
    predictor: `${predictor}, recalibrated online`,
    decide: (snapshot) => {
      if (calibrator.stepChanged(snapshot.now).changed) deps.predictor = online.servingWith(calibrator.shift);
      const plan = clearRound(snapshot, deps, config);
      for (const { instanceId, prediction } of plan.predictions) held.set(instanceId, prediction);
      for (const p of plan.placements) held.set(p.bidId, p.predictions[0]!);
      for (const t of plan.terminations) if (t.kind !== 'moved') held.delete(t.instanceId);
      return plan;
    },
    feedback: (instanceId, sample) => {
      const tails = held.get(instanceId)?.modelTails;
      if (tails) calibrator.observeSample(tails, sample);
    },
    ended: (instanceId) => held.delete(instanceId),
  };
}

/** kube-scheduler's default behaviour as the engine models it, with priority preemption on. */
export function kubeLikePolicy(seed: number): Policy {
  const random = seededRandom(seed);
  return {
    name: 'kubeLike',
    predictor: 'requests = declared peak',
    decide: (snapshot) => kubeLikeRound(snapshot, { preemption: true, random }),
  };
}
