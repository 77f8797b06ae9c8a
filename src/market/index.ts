/** The market engine's public facade: snapshot in, plan out. */
export * from './types.js';
export { clearRound } from './round.js';
export { roundPredictorInputs } from './predictorInputs.js';
export { quote, quotePredictorInputs, type QuoteBid } from './quote.js';
export { kubeLikeRound, type KubeLikeConfig } from './kubeLike.js';
export {
  engineConfigSchema,
  defaultEngineConfig,
  engineConfigProblems,
  resolveEngineConfig,
  SCORER_NAMES,
  type EngineConfig,
  type ScorerName,
} from './config.js';
export { StatisticalPredictor, type StatisticalPredictorOptions } from './predictor.js';
export { EnvelopePredictor } from './envelope.js';
export { StatisticalInterferenceModel, type InterferenceSensitivities } from './interference.js';
export { seededRandom } from './random.js';
export { noticeFor } from './notice.js';
export { admissionTerms, type AdmissionTerms } from './admission.js';
export { MarketInputError } from './errors.js';
export { demandMoments, sigmaOf } from './moments.js';
export { chanceFit, overflowProbability } from './chance.js';
export { effectivePriority, indexLedger } from './ledger.js';
export { normalQuantile, normalCdf } from './normal.js';
