export { CorruptModelError, loadLayersModel, saveLayersModel } from './artifacts.js';
export { initTfBackend } from './backend.js';
export { DenseStack } from './dense.js';
export { TfjsInterferenceModel } from './interference.js';
export { loadVersion, servingInterference, type LoadedVersion } from './loaded-version.js';
export { IncompatibleModelError, manifestSchema, validateManifest, type ModelManifest } from './manifest.js';
export { TfjsPredictor } from './predictor.js';
export {
  ACTIVE_POINTER,
  listVersions,
  ModelRegistry,
  readActivePointer,
  writeActivePointer,
  type ModelLease,
  type ModelVersionInfo,
  type RegistryOptions,
  type ServingModels,
} from './registry.js';
export { ratiosToPredictions, UtilizationNetwork } from './utilization.js';
export { ActiveVersionSync, MODEL_SYNC_MS, type SyncOutcome } from './activeVersionSync.js';
export { openServiceDatabase } from './serviceDatabase.js';
export {
  activeModelVersion,
  listModelVersionRows,
  markModelVersionActive,
  recordModelActivation,
  registerModelVersion,
  type ModelVersionRow,
} from './versionTable.js';
