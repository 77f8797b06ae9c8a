/**
 * The learned predictor and interference model for the full Parley policy. The model (src/model, learning
 * issue) is not on this branch yet, so this returns null and the experiment notes that "parley" ran with the
 * statistical predictor.
 */
import type { ParleyModels } from './policies/enginePolicies.js';

export async function loadParleyModels(log: (message: string) => void): Promise<ParleyModels | null> {
  log('no learned model available (src/model is not on this branch): parley uses the statistical predictor');
  return null;
}
