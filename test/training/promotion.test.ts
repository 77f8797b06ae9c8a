import { describe, expect, it } from 'vitest';
import type { EvaluationReport } from '../../training/evaluation.js';
import { compareForPromotion } from '../../training/promotion.js';

function report(model: string, pinball: Record<string, number>): EvaluationReport {
  const targets: EvaluationReport['targets'] = {};
  for (const [name, p] of Object.entries(pinball)) {
    targets[name] = { model: { mae: 1, rmse: 1, coverage: 0.95, slack: 0, pinball: p }, baselines: {} };
  }
  return { model, split: 'instance', examples: 10, instances: 2, targets };
}

describe('compareForPromotion', () => {
  const active = report('old', { cpu_p95: 0.1, memory_p95: 20, network_p95: 3, cpu_mean: 0.05 });

  it('promotes a candidate that ties or beats the active model on every p95 target', () => {
    const verdict = compareForPromotion(report('new', { cpu_p95: 0.1, memory_p95: 19, network_p95: 2.9, cpu_mean: 9 }), active);
    expect(verdict.promote).toBe(true);
    expect(verdict.comparison.memory_p95).toEqual({ candidate: 19, active: 20 });
  });

  it('refuses a candidate worse on any one p95 target, naming it', () => {
    const verdict = compareForPromotion(report('new', { cpu_p95: 0.05, memory_p95: 20.001, network_p95: 1 }), active);
    expect(verdict.promote).toBe(false);
    expect(verdict.reason).toMatch(/memory_p95 pinball 20\.00100 > 20\.00000/);
    expect(verdict.reason).not.toMatch(/cpu_p95/);
  });

  it('refuses to compare when a report lacks a p95 target', () => {
    expect(() => compareForPromotion(report('new', { cpu_p95: 0.1, memory_p95: 1 }), active)).toThrow(/network_p95/);
  });
});
