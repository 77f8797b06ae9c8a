/**
 * The slice of the market engine the service drives. main.ts binds it to src/market (with the configured
 * EngineConfig); tests may bind a recording double. Keeping it an interface keeps the scheduler's imports pure.
 */
import type { EngineConfig } from '../market/config.js';
import type { QuoteBid } from '../market/quote.js';
import type { EngineDeps, Plan, Quote, RandomSource, Snapshot, WorkloadProfile } from '../market/types.js';

/** The engine's quote terms, with count and interruptibility resolved by the API's defaults. */
export type QuoteTerms = QuoteBid & Required<Pick<QuoteBid, 'count' | 'uninterruptible'>>;

export interface MarketEngine {
  /** The resolved configuration the engine is bound to (a worker thread rebinds the engine with it). */
  readonly config: EngineConfig;
  clearRound(snapshot: Snapshot, deps: EngineDeps): Plan;
  quote(snapshot: Snapshot, profile: WorkloadProfile, terms: QuoteTerms, deps: EngineDeps): Quote;
  /** A seeded random source; the loop seeds each round with its time so a round can be replayed. */
  random(seed: number): RandomSource;
}
