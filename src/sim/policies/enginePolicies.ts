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
  type Predictor,
} from '../../market/index.js';
import type { Policy, PolicyName } from './policy.js';

export interface ParleyModels {
  predictor: Predictor;
  interference: InterferenceModel;
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
  const deps = { ...models, random: seededRandom(seed) };
  return {
    name,
    predictor: models.predictor.version ?? 'statistical',
    decide: (snapshot) => clearRound(snapshot, deps, config),
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
