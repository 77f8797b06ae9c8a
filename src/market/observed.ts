/**
 * What an instance's own feedback says about its declared profile, from the last `window` samples:
 * observed mean and p95 (nearest rank) per resource. Null when there are fewer samples than the window.
 * Runs for every running instance every round, so it works in reused typed arrays.
 */
import type { FeedbackSample, Resource } from './types.js';

export interface ObservedUse {
  mean: Record<Resource, number>;
  p95: Record<Resource, number>;
}

let cpu = new Float64Array(64);
let memory = new Float64Array(64);
let network = new Float64Array(64);

/**
 * The result is written into `out` (one reused object per caller: this runs for every running instance every
 * round) and `out` is returned, or null when there are too few samples. One pass over the sample objects, with
 * fixed property names, then typed-array work per resource.
 */
export function observedUse(history: readonly FeedbackSample[], window: number, out: ObservedUse = emptyObservedUse()): ObservedUse | null {
  if (history.length < window) return null;
  if (cpu.length < window) {
    cpu = new Float64Array(window * 2);
    memory = new Float64Array(window * 2);
    network = new Float64Array(window * 2);
  }
  const from = history.length - window;
  let sc = 0;
  let sm = 0;
  let sn = 0;
  for (let k = 0; k < window; k++) {
    const s = history[from + k]!;
    cpu[k] = s.cpu;
    memory[k] = s.memory;
    network[k] = s.network;
    sc += s.cpu;
    sm += s.memory;
    sn += s.network;
  }
  const rank = window - Math.ceil(0.95 * window) + 1;
  out.mean.cpu = sc / window;
  out.mean.memory = sm / window;
  out.mean.network = sn / window;
  out.p95.cpu = kthLargest(cpu, window, rank);
  out.p95.memory = kthLargest(memory, window, rank);
  out.p95.network = kthLargest(network, window, rank);
  return out;
}

/**
 * The k-th largest of values (k = 1: the maximum) by k max-scans, O(k·n): for a nearest-rank p95, k = n − ⌈0.95 n⌉ + 1
 * is 1 for windows up to 20 samples, so this is a single scan where a sort would be O(n log n). Clobbers values.
 */
function kthLargest(values: Float64Array, n: number, k: number): number {
  let found = -Infinity;
  for (let pass = 0; pass < k; pass++) {
    let at = 0;
    for (let i = 1; i < n; i++) if (values[i]! > values[at]!) at = i;
    found = values[at]!;
    values[at] = -Infinity;
  }
  return found;
}

export function emptyObservedUse(): ObservedUse {
  return { mean: { cpu: 0, memory: 0, network: 0 }, p95: { cpu: 0, memory: 0, network: 0 } };
}
