/**
 * The working state of one round, shared by its stages (re-scheduling, clearing, preemption): the resolved config,
 * the cluster view, the ledger index and what the plan has decided so far.
 */
import type { EngineConfig } from './config.js';
import type { Cluster } from './cluster.js';
import type { LedgerIndex } from './ledger.js';
import type { PlacementEnv } from './placement.js';
import type { ResourceVector } from './payment.js';
import type { EngineDeps, LedgerEntry, Preemption } from './types.js';

export interface RoundContext {
  now: number;
  config: EngineConfig;
  deps: EngineDeps;
  cluster: Cluster;
  env: PlacementEnv;
  ledger: LedgerIndex;
  meanCapacity: ResourceVector;
  preemptions: Preemption[];
  ledgerEntries: LedgerEntry[];
  /** Ids of instances given notice this round (each at most once). */
  noticed: Set<string>;
  /** Bid id → number of instances it has preempted that have not left yet; such a bid waits instead of preempting more. */
  awaitedBy: Map<string, number>;
}

export function evictionBudgetLeft(ctx: RoundContext): number {
  return ctx.config.maxEvictionsPerRound - ctx.preemptions.length;
}
