import type { FeedbackSample, Resource } from '../market/types.js';
import { HISTORY_WINDOW_MS, RESOURCE_ORDER } from './spec.js';
import { rangeQuantilesInto } from './stats.js';

const TAILS = [0.95, 0.99] as const;

/** The last day of an instance's history as typed arrays (time order), with each resource's p95 and p99. */
export interface RecentWindow {
  times: Float64Array;
  values: Record<Resource, Float64Array>;
  /** `sortedQuantile` of the sorted window at 0.95 and 0.99 (same bits), shared by the features and the baselines. */
  p95: Record<Resource, number>;
  p99: Record<Resource, number>;
}

/**
 * Memory a caller lends `recentWindow` so that building a window allocates no typed arrays: a window built in it
 * is valid until the next window is built in the same buffers. For loops that use each window before the next
 * (batched serving, the dataset builder).
 */
export class WindowBuffers {
  private memory: Float64Array;
  /** `samples`: the window length to size for at first (a day of 5-minute samples by default); grows on demand. */
  constructor(samples = 288) {
    this.memory = new Float64Array(4 * samples);
  }
  /** Four views of `size` values: times, cpu, memory, network. */
  take(size: number): [Float64Array, Float64Array, Float64Array, Float64Array] {
    if (this.memory.length < 4 * size) this.memory = new Float64Array(Math.max(4 * size, 2 * this.memory.length));
    const m = this.memory;
    return [m.subarray(0, size), m.subarray(size, 2 * size), m.subarray(2 * size, 3 * size), m.subarray(3 * size, 4 * size)];
  }
}

/**
 * Samples with `at` in (last.at − windowMs, last.at], or null for an empty history. Built once per input and
 * shared by feature extraction and the baselines. Nothing is sorted: quantiles come from selection
 * (`rangeQuantilesInto`), which gives the sorted result's bits in linear time. With `buffers` the window lives in
 * the caller's memory (see WindowBuffers); without, in fresh arrays.
 */
export function recentWindow(
  history: readonly FeedbackSample[],
  windowMs = HISTORY_WINDOW_MS,
  buffers: WindowBuffers | null = null,
): RecentWindow | null {
  const n = history.length;
  if (n === 0) return null;
  const cutoff = history[n - 1]!.at - windowMs;
  // A backward scan rather than a binary search: it loads the samples the copy below reads anyway.
  let start = n;
  while (start > 0 && history[start - 1]!.at > cutoff) start--;
  const size = n - start;
  const [times, cpu, memory, network] = (buffers ?? new WindowBuffers(size)).take(size);
  for (let i = 0; i < size; i++) {
    const s = history[start + i]!;
    times[i] = s.at;
    cpu[i] = s.cpu;
    memory[i] = s.memory;
    network[i] = s.network;
  }
  const values = { cpu, memory, network };
  const tails = [0, 0];
  const p95 = { cpu: 0, memory: 0, network: 0 };
  const p99 = { cpu: 0, memory: 0, network: 0 };
  for (const r of RESOURCE_ORDER) {
    rangeQuantilesInto(values[r], 0, size, TAILS, tails, 0);
    p95[r] = tails[0]!;
    p99[r] = tails[1]!;
  }
  return { times, values, p95, p99 };
}
