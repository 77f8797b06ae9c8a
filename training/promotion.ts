/**
 * When a retrained version may replace the active one automatically (`train --from-db --activate-if-better` or
 * PARLEY_AUTO_ACTIVATE=1). Both models are scored on the same held-out examples (the candidate's test split); the
 * candidate is "no worse" when, for every p95 target (cpu_p95, memory_p95, network_p95), its pinball loss at 0.95 is
 * at most the active model's. Pinball loss is what the p95 outputs are trained on, and it penalizes both
 * under-prediction (lost coverage, weighted 0.95) and over-prediction (slack, weighted 0.05), so one number per
 * target judges both. Ties count as no worse. The reports are whatever the caller scored: train.ts scores both
 * versions with their p95 heads recalibrated online over the holdout, as the service serves them (or with the static
 * calibration when the service runs without online recalibration).
 */
import type { EvaluationReport } from './evaluation.js';

export const PROMOTION_TARGETS = ['cpu_p95', 'memory_p95', 'network_p95'] as const;

export interface PromotionVerdict {
  promote: boolean;
  /** Per target: candidate and active pinball loss. */
  comparison: Record<string, { candidate: number; active: number }>;
  reason: string;
}

export function compareForPromotion(candidate: EvaluationReport, active: EvaluationReport): PromotionVerdict {
  const comparison: PromotionVerdict['comparison'] = {};
  const worse: string[] = [];
  for (const target of PROMOTION_TARGETS) {
    const c = candidate.targets[target]?.model;
    const a = active.targets[target]?.model;
    if (!c || !a) throw new Error(`cannot compare ${target}: a report has no model figures for it`);
    comparison[target] = { candidate: c.pinball, active: a.pinball };
    if (c.pinball > a.pinball) worse.push(`${target} pinball ${c.pinball.toFixed(5)} > ${a.pinball.toFixed(5)}`);
  }
  return worse.length === 0
    ? { promote: true, comparison, reason: `no worse than ${active.model} on every p95 target` }
    : { promote: false, comparison, reason: `worse than ${active.model}: ${worse.join('; ')}` };
}
