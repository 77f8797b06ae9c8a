export { declareProfile, DECLARATION_WINDOW_MS, DECLARED_PEAKS, type DeclaredPeak } from './declare.js';
export { horizonTarget, traceExamples, type ExampleOptions, type HorizonTarget, type TraceExample } from './examples.js';
export { extractFeatureMatrix, extractFeaturesInto, predictionScale } from './extract.js';
export { applyNormalization, featureRange, fitNormalization, Normalizer, type NormalizationStats } from './normalize.js';
export * from './spec.js';
export * from './stats.js';
export {
  INTERFERENCE_FEATURE_NAMES,
  interferenceFeaturesInto,
  processorSharingSlowdown,
  type DemandQuantiles,
} from './interference.js';
export { recentWindow, type RecentWindow } from './window.js';
