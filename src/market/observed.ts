/**
 * What an instance's own feedback says about its declared profile, from the last `window` samples:
 * observed mean and p95 (nearest rank) per resource. Null when there are fewer samples than the window.
 * Runs for every running instance every round, so it sorts in one reused typed array.
 */
import type { FeedbackSample, Resource } from './types.js';
import { RESOURCES } from './types.js';

export interface ObservedUse {
  mean: Record<Resource, number>;
  p95: Record<Resource, number>;
}

let scratch = new Float64Array(64);

export function observedUse(history: readonly FeedbackSample[], window: number): ObservedUse | null {
  if (history.length < window) return null;
  if (scratch.length < window) scratch = new Float64Array(window * 2);
  const from = history.length - window;
  const mean = { cpu: 0, memory: 0, network: 0 };
  const p95 = { cpu: 0, memory: 0, network: 0 };
  const values = scratch.subarray(0, window);
  for (const r of RESOURCES) {
    let sum = 0;
    for (let k = 0; k < window; k++) {
      const v = history[from + k]![r];
      values[k] = v;
      sum += v;
    }
    values.sort();
    mean[r] = sum / window;
    p95[r] = values[Math.min(window - 1, Math.ceil(0.95 * window) - 1)]!;
  }
  return { mean, p95 };
}
