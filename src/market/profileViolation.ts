/**
 * Sustained profile violation: an instance uses more than profileViolationRatio × its declared peak on some resource
 * in at least ⌈profileViolationSustainedFraction · minFeedbackSamples⌉ of its last minFeedbackSamples samples. One
 * 5-minute spike is not sustained: with 6 samples a nearest-rank p95 is the maximum, so the p95 alone would stop an
 * instance for a single sample. Returns the evidence (that many samples' lowest ratio to the peak on the worst
 * resource) or null. The caller's cheap p95 test (observed.ts) runs first; this only runs for instances it flags.
 */
import type { FeedbackSample, Resource, RunningInstance, WorkloadProfile } from './types.js';
import type { EngineConfig } from './config.js';
import type { ObservedUse } from './observed.js';
import { RESOURCES } from './types.js';

export function sustainedViolation(
  history: readonly FeedbackSample[],
  profile: WorkloadProfile,
  window: number,
  ratio: number,
  fraction: number,
): number | null {
  if (history.length < window) return null;
  const needed = Math.max(1, Math.ceil(fraction * window));
  const from = history.length - window;
  let worst: number | null = null;
  const ratios: number[] = new Array(window);
  for (const res of RESOURCES) {
    const peak = profile[res].peak;
    if (!(peak > 0)) continue;
    for (let k = 0; k < window; k++) ratios[k] = history[from + k]![res] / peak;
    ratios.sort((a, b) => b - a);
    // The needed-th highest ratio: that many samples are at least this far above the peak.
    const level = ratios[needed - 1]!;
    if (level > ratio && (worst === null || level > worst)) worst = level;
  }
  return worst;
}

/** Highest observed p95 / declared peak over the resources with a declared peak. */
export function p95OverPeak(p95: Record<Resource, number>, profile: WorkloadProfile): number {
  let worst = 0;
  for (const res of RESOURCES) {
    const peak = profile[res].peak;
    if (peak > 0) worst = Math.max(worst, p95[res] / peak);
  }
  return worst;
}

/** The sustained-violation level of a running instance given its observed use (cheap p95 test first), or null. */
export function violationLevel(inst: RunningInstance, seen: ObservedUse, config: EngineConfig): number | null {
  if (p95OverPeak(seen.p95, inst.profile) <= config.profileViolationRatio) return null;
  return sustainedViolation(
    inst.history,
    inst.profile,
    config.minFeedbackSamples,
    config.profileViolationRatio,
    config.profileViolationSustainedFraction,
  );
}
