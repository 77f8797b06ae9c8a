/**
 * A policy is anything that turns a market snapshot into a plan. The Parley policies and kube-like call the engine
 * (`src/market`); the price-only auction and FIFO are baselines implemented here. All of them are applied by the
 * same simulator code, so they differ only in their decisions.
 */
import type { FeedbackSample, Plan, Snapshot } from '../../market/types.js';

export const POLICY_NAMES = ['parley', 'parleyStatistical', 'priceOnly', 'kubeLike', 'fifo'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export interface Policy {
  name: PolicyName;
  /** What drives its predictions, for the report (a model version, "statistical", "declared peak", ...). */
  predictor: string;
  decide(snapshot: Snapshot): Plan;
  /** Told every feedback sample a running instance reports (after the step it describes), as a service is. */
  feedback?(instanceId: string, sample: FeedbackSample): void;
  /** Told when a running instance completed its work and left (no plan says so), as a service learns from its row. */
  ended?(instanceId: string): void;
}
