/**
 * The slowdown residents REPORT in their feedback (`FeedbackSample.slowdown`, 1.0 = as fast as alone): what a real
 * deployment sees of interference, whatever the model predicts. Reports are noisy (run-to-run variation of a few
 * percent), so an instance's reported slowdown is the mean over its last `window` samples that carry one; null when
 * fewer than `window` of its samples do. The node aggregate is the worst resident's, computed once per round in
 * the pre-score pass (O(samples)) so that placement reads it in O(1) per (bid, node).
 */
import type { FeedbackSample } from './types.js';

export function reportedSlowdown(history: readonly FeedbackSample[], window: number): number | null {
  let sum = 0;
  let n = 0;
  for (let k = history.length - 1; k >= 0 && n < window; k--) {
    const s = history[k]!.slowdown;
    if (s === undefined || !Number.isFinite(s)) continue;
    sum += s;
    n++;
  }
  return n >= window ? sum / n : null;
}
