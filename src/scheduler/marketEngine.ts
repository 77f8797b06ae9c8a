/** Binds the pure engine in src/market to the MarketEngine interface the service drives, with a resolved config. */
import {
  clearRound,
  quote,
  resolveEngineConfig,
  seededRandom,
  StatisticalInterferenceModel,
  StatisticalPredictor,
  type EngineConfig,
} from '../market/index.js';
import { fixedModels, type PredictionProvider } from '../service/context.js';
import type { MarketEngine } from './engine.js';

/** Validates the overrides once (throws a ZodError naming the bad key) and returns the engine bound to them. */
export function bindMarketEngine(overrides: Partial<EngineConfig> = {}): MarketEngine {
  const config = resolveEngineConfig(overrides);
  return {
    config,
    clearRound: (snapshot, deps) => clearRound(snapshot, deps, config),
    quote: (snapshot, profile, terms, deps) => quote(snapshot, profile, terms, deps, config),
    random: (seed) => seededRandom(seed),
  };
}

/** The default models until a learned one is registered: the engine's statistical predictor and interference model. */
export function statisticalModels(): PredictionProvider {
  return fixedModels(new StatisticalPredictor(), new StatisticalInterferenceModel());
}
