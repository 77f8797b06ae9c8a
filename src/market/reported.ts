/**
 * The slowdown residents REPORT in their feedback (`FeedbackSample.slowdown`, 1.0 = as fast as alone): what a real
 * deployment sees of interference, whatever the model predicts. Reports are noisy (run-to-run variation of a few
 * percent), so an instance's reported slowdown is the mean over its last `window` samples; null when any of them carries no
 * slowdown. The node aggregate is the worst resident's, computed once per round in
 * the pre-score pass (O(samples)) so that placement reads it in O(1) per (bid, node).
 */
import type { FeedbackSample } from './types.js';

export function reportedSlowdown(history: readonly FeedbackSample[], window: number): number | null {
  // Only the last `window` samples: O(window) per instance per round, however long the history.
  if (history.length < window) return null;
  let sum = 0;
  for (let k = history.length - window; k < history.length; k++) {
    const s = history[k]!.slowdown;
    if (s === undefined || !Number.isFinite(s)) return null;
    sum += s;
  }
  return sum / window;
}
