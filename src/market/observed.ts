/**
 * What an instance's own feedback says about its declared profile, from the last `window` samples:
 * observed mean and p95 (nearest-rank) per resource. Null when there are fewer samples than the window.
 */
import type { FeedbackSample, Resource } from './types.js';
import { RESOURCES } from './types.js';

export interface ObservedUse {
  mean: Record<Resource, number>;
  p95: Record<Resource, number>;
}

export function observedUse(history: readonly FeedbackSample[], window: number): ObservedUse | null {
  if (history.length < window) return null;
  const recent = history.slice(history.length - window);
  const mean = { cpu: 0, memory: 0, network: 0 };
  const p95 = { cpu: 0, memory: 0, network: 0 };
  for (const r of RESOURCES) {
    const values = recent.map((s) => s[r]).sort((a, b) => a - b);
    mean[r] = values.reduce((a, b) => a + b, 0) / values.length;
    p95[r] = values[Math.min(values.length - 1, Math.ceil(0.95 * values.length) - 1)]!;
  }
  return { mean, p95 };
}
