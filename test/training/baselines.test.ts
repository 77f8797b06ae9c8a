import { describe, expect, it } from 'vitest';
import type { FeedbackSample } from '../../src/market/types.js';
import { baselineContext, BASELINES, BASELINE_NAMES } from '../../training/baselines.js';
import { profile } from '../model/fixture.js';

const T0 = Date.UTC(2013, 6, 10);
// A day of CPU at 1 core with every 10th sample at 3 cores (28 of 288 samples); memory and network constant.
const day: FeedbackSample[] = Array.from({ length: 288 }, (_, i) => ({ at: T0 + i * 300_000, cpu: i % 10 === 9 ? 3 : 1, memory: 500, network: 2 }));
const SPIKE_SHARE = 28 / 288;
const run = (name: string, history: readonly FeedbackSample[] = day) => BASELINES[name]!(baselineContext({ profile: profile(), history }));

describe('baselines', () => {
  it.each([
    // name, expected CPU {mean, p95}
    ['last_value', { mean: 1, p95: 1 }],
    ['declared_profile', { mean: 1, p95: 4 }],
    ['rc_window_p95', { mean: 1 + 2 * SPIKE_SHARE, p95: 3 }],
  ])('%s estimates CPU as expected', (name, expected) => {
    const cpu = run(name).cpu;
    expect(cpu.mean).toBeCloseTo(expected.mean, 6);
    expect(cpu.p95).toBeCloseTo(expected.p95, 6);
  });

  it('koord_mean_k_sigma reserves mean + 1.645 σ', () => {
    const sigma = 2 * Math.sqrt(SPIKE_SHARE * (1 - SPIKE_SHARE)); // Bernoulli spikes of height 2
    expect(run('koord_mean_k_sigma').cpu.p95).toBeCloseTo(1 + 2 * SPIKE_SHARE + 1.645 * sigma, 6);
  });

  it('vpa_decayed_p90 is the p90 histogram bucket × 1.15, within one 5 % bucket', () => {
    // 10 % of the weight is at 3 cores but recent samples weigh more; p90 falls in the 1-core bucket or at 3.
    const p95 = run('vpa_decayed_p90').cpu.p95;
    expect([1 * 1.15, 3 * 1.15].some((v) => Math.abs(p95 - v) / v < 0.06)).toBe(true);
  });

  it('max_p95_k_sigma takes the larger of the two', () => {
    expect(run('max_p95_k_sigma').cpu.p95).toBe(Math.max(run('rc_window_p95').cpu.p95, run('koord_mean_k_sigma').cpu.p95));
  });

  it('falls back to the declaration when there is no history', () => {
    for (const name of BASELINE_NAMES) {
      expect(run(name, []).memory).toEqual({ mean: 2048, p95: 8192, p99: 8192 });
    }
  });

  it('uses only the last 24 hours', () => {
    const older = Array.from({ length: 288 }, (_, i) => ({ at: T0 - 86_400_000 + i * 300_000, cpu: 100, memory: 500, network: 2 }));
    expect(run('rc_window_p95', [...older, ...day]).cpu).toEqual(run('rc_window_p95').cpu);
  });
});
