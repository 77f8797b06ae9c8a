/**
 * What every service verb receives: the database, the clock, id generation, the prediction models and a way to ask
 * for an early clearing round. Resolved once at start and passed in; tests pass fakes.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database.js';
import type { InterferenceModel, Predictor } from '../market/types.js';
import type { ModelRegistry } from '../model/registry.js';
import type { MarketEngine } from '../scheduler/engine.js';
import { QuoteSnapshots } from '../scheduler/quoteSnapshots.js';
import type { RoundRunner } from '../scheduler/roundRunner.js';
import type { Principal } from './authenticate.js';
import { BoundedCache } from './boundedCache.js';
import { StatusCache } from './statusCache.js';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

/** The models the engine uses, read fresh on every use so a newly trained model can be swapped in at run time. */
export interface PredictionModels {
  predictor: Predictor;
  interference: InterferenceModel;
  /** The predictor's model version, null for the statistical fallback. */
  version: string | null;
}
export interface PredictionProvider {
  current(): PredictionModels;
}

/** A fixed pair of models (the statistical defaults, or a test double). */
export function fixedModels(predictor: Predictor, interference: InterferenceModel): PredictionProvider {
  const models = { predictor, interference, version: predictor.version };
  return { current: () => models };
}

/** Lets a request ask for an early clearing round rather than waiting for the next tick. */
export interface RoundTrigger {
  /** A bid arrived: worth a round now if the last one left capacity free. */
  bidArrived(): void;
  /** Capacity was freed (an instance was terminated): worth a round now, even if bids were waiting for capacity. */
  capacityFreed(): void;
}
export const noRoundTrigger: RoundTrigger = { bidArrived: () => {}, capacityFreed: () => {} };

export interface ServiceContext {
  db: Db;
  clock: Clock;
  predictions: PredictionProvider;
  rounds: RoundTrigger;
  /** The market engine, for what-if quotes on a copy of the state. */
  engine: MarketEngine;
  /** Feedback samples per instance given to the predictor (config `historySamples`). */
  historySamples: number;
  newId(prefix: string): string;
  /** Principal of each secret this process verified (see boundedCache.ts and authenticate.ts). */
  principals: BoundedCache<string, Principal>;
  /** Owning client of each profile id seen by this process. */
  profileOwners: BoundedCache<string, string>;
  /** Instance rows for status reads (see statusCache.ts). */
  statusCache: StatusCache;
  /** Incremental snapshots for what-if quotes (quoteSnapshots.ts). */
  quoteSnapshots: QuoteSnapshots;
  /** Where a quote's what-if round runs: the clearing loop's round runner (a worker thread in the server). */
  quoteRunner: Pick<RoundRunner, 'quote'>;
  /**
   * The model registry behind `predictions` when the service serves learned models (GET /models, activation).
   * Absent when the service runs on fixed models only; then no version can be activated.
   */
  models?: ModelRegistry;
}

export const randomId = (prefix: string): string => `${prefix}_${randomUUID().replaceAll('-', '')}`;

/** What a process decides about its service context; the per-process caches are made fresh. */
export type ServiceSetup = Pick<ServiceContext, 'db' | 'clock' | 'predictions' | 'engine' | 'historySamples' | 'rounds' | 'models' | 'quoteRunner'> & {
  /** TTL of the status cache (statusCache.ts; 0 disables it). */
  statusCacheMs: number;
};

export function serviceContext({ statusCacheMs, models, ...setup }: ServiceSetup): ServiceContext {
  return {
    ...setup,
    newId: randomId,
    principals: new BoundedCache(),
    profileOwners: new BoundedCache(),
    statusCache: new StatusCache(statusCacheMs),
    quoteSnapshots: new QuoteSnapshots(setup.db, () => setup.clock.now(), {
      historySamples: setup.historySamples,
      ledgerHalfLifeSeconds: setup.engine.config.priorityReductionHalfLifeSeconds,
    }),
    ...(models ? { models } : {}),
  };
}
