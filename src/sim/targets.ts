/**
 * The targets on the default scenario, checked on a run's metrics (Parley = the full policy):
 * welfare ≥ 1.2× price-only and ≥ 1.2× kube-like; QoS violation hours ≤ 0.5× kube-like; critical and high
 * interruptions < 5% per instance-month; used utilization ≥ 1.3× kube-like; zero contract violations.
 */
import type { PolicyMetrics } from './metrics.js';
import type { PolicyName } from './policies/policy.js';

export interface TargetCheck {
  name: string;
  /** The measured figure (a ratio or a count). */
  measured: number;
  /** The bound it is compared against. */
  bound: number;
  comparison: '>=' | '<=' | '<' | '==';
  met: boolean;
}

/** The bounds of the targets, for the checks below and for every report that draws them. */
export const TARGET_BOUNDS = {
  /** Parley's welfare ÷ each baseline's, at least. */
  welfareRatio: 1.2,
  /** Parley's QoS violation hours ÷ kubeLike's, at most. */
  qosRatio: 0.5,
  /** Parley's used utilization ÷ kubeLike's, at least. */
  usedUtilizationRatio: 1.3,
  /** Critical + high interruptions per instance-month, under. */
  highPriorityInterruptionRate: 0.05,
} as const;

/** a ÷ b, with 0 ÷ 0 = 1 (equal) and a ÷ 0 = ∞. */
export function ratio(a: number, b: number): number {
  if (b === 0) return a === 0 ? 1 : Number.POSITIVE_INFINITY;
  return a / b;
}

function check(name: string, measured: number, comparison: TargetCheck['comparison'], bound: number): TargetCheck {
  const met =
    comparison === '>=' ? measured >= bound : comparison === '<=' ? measured <= bound : comparison === '<' ? measured < bound : measured === bound;
  return { name, measured, bound, comparison, met };
}

export function evaluateTargets(policies: Partial<Record<PolicyName, PolicyMetrics>>, subject: PolicyName = 'parley'): TargetCheck[] {
  const p = policies[subject];
  if (!p) return [];
  const checks: TargetCheck[] = [];
  const priceOnly = policies.priceOnly;
  const kube = policies.kubeLike;
  const b = TARGET_BOUNDS;
  if (priceOnly) checks.push(check('welfare vs priceOnly', ratio(p.welfare, priceOnly.welfare), '>=', b.welfareRatio));
  if (kube) {
    checks.push(check('welfare vs kubeLike', ratio(p.welfare, kube.welfare), '>=', b.welfareRatio));
    checks.push(check('QoS violation hours vs kubeLike', ratio(p.qosViolationHours, kube.qosViolationHours), '<=', b.qosRatio));
    checks.push(check('used utilization vs kubeLike', ratio(p.usedUtilization, kube.usedUtilization), '>=', b.usedUtilizationRatio));
  }
  checks.push(check('critical+high interruptions per instance-month', p.highPriorityInterruptionRate, '<', b.highPriorityInterruptionRate));
  checks.push(check('contract violations', p.contractViolations, '==', 0));
  return checks;
}
