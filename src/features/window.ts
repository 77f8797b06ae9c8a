import type { FeedbackSample, Resource } from '../market/types.js';
import { HISTORY_WINDOW_MS } from './spec.js';

/** The last day of an instance's history as typed arrays, with each resource's values also sorted. */
export interface RecentWindow {
  times: Float64Array;
  values: Record<Resource, Float64Array>;
  sorted: Record<Resource, Float64Array>;
}

/**
 * Samples with `at` in (last.at − windowMs, last.at], or null for an empty history. Built once per input and
 * shared by feature extraction and the baselines, so each is computed once (the sorts dominate the cost).
 */
export function recentWindow(history: readonly FeedbackSample[], windowMs = HISTORY_WINDOW_MS): RecentWindow | null {
  const n = history.length;
  if (n === 0) return null;
  const cutoff = history[n - 1]!.at - windowMs;
  let start = n;
  while (start > 0 && history[start - 1]!.at > cutoff) start--;
  const size = n - start;
  const times = new Float64Array(size);
  const cpu = new Float64Array(size);
  const memory = new Float64Array(size);
  const network = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const s = history[start + i]!;
    times[i] = s.at;
    cpu[i] = s.cpu;
    memory[i] = s.memory;
    network[i] = s.network;
  }
  return {
    times,
    values: { cpu, memory, network },
    sorted: { cpu: cpu.slice().sort(), memory: memory.slice().sort(), network: network.slice().sort() },
  };
}
