import type { Resource, WorkloadProfile } from '../market/types.js';
import type { TraceInstance, TraceSample } from '../traces/types.js';
import { max, mean, quantile } from './stats.js';

/** A trace VM "declares" its profile from its first day, as a client would after watching a trial run. */
export const DECLARATION_WINDOW_MS = 24 * 3_600_000;

/** A sample counts as part of a spike when CPU exceeds the declared average by this factor. */
const SPIKE_FACTOR = 1.5;

/**
 * How a client sizes the declared peak: `provisioned`, by the VM it runs today (the trace's capacity for CPU and
 * memory, which is usually far above what it uses); `observed`, by the most it saw in the window (what the simulator's
 * clients and the README's walkthrough declare: tight peaks). Training mixes both (training/dataset.ts), so the
 * model serves either kind of client.
 */
export const DECLARED_PEAKS = ['provisioned', 'observed'] as const;
export type DeclaredPeak = (typeof DECLARED_PEAKS)[number];

/**
 * The profile a client would submit for this trace instance: per resource, avg = the mean of the first `windowMs`
 * of usage, and peak = (`provisioned`) the provisioned capacity where the trace states one (CPU cores, memory), as a
 * client sizes its request by the VM it runs today, else (network) the maximum of that window; or (`observed`) the
 * maximum of that window for every resource. Burst statistics come from CPU spikes (samples above 1.5 × avg) in the
 * window. Nothing after the window is looked at, so evaluation on later data is not contaminated.
 */
export function declareProfile(instance: TraceInstance, windowMs = DECLARATION_WINDOW_MS, peak: DeclaredPeak = 'provisioned'): WorkloadProfile {
  const first = instance.samples[0];
  if (!first) throw new RangeError(`instance ${instance.id} has no samples to declare a profile from`);
  const window = instance.samples.filter((s) => s.at < first.at + windowMs);
  const spec = (r: Resource) => {
    const values = window.map((s) => s[r]);
    const provisioned = peak === 'provisioned' ? instance.capacity[r] : null;
    const avg = mean(values);
    return { avg, peak: provisioned !== null && provisioned > 0 ? Math.max(provisioned, avg) : max(values) };
  };
  const cpu = spec('cpu');
  const burst = cpuBursts(window, cpu.avg, instance.intervalSeconds);
  const spanSeconds = (instance.samples[instance.samples.length - 1]!.at - first.at) / 1000 + instance.intervalSeconds;
  return {
    name: `${instance.format}:${instance.id}`,
    cpu,
    memory: spec('memory'),
    network: spec('network'),
    burst,
    // Traces say nothing about interruption tolerance; these neutral values do not enter the features.
    interruptibility: { maxInterruptionsPerDay: 1, maxInterruptionSeconds: 3600, minNoticeSeconds: 120 },
    priority: 'normal',
    expectedRuntimeSeconds: spanSeconds,
  };
}

function cpuBursts(window: readonly TraceSample[], avg: number, intervalSeconds: number): WorkloadProfile['burst'] {
  const threshold = avg * SPIKE_FACTOR;
  const ratios: number[] = [];
  let starts = 0;
  let inSpike = false;
  for (const s of window) {
    const spiking = avg > 0 && s.cpu > threshold;
    if (spiking) {
      ratios.push(s.cpu / avg);
      if (!inSpike) starts += 1;
    }
    inSpike = spiking;
  }
  const minutes = (window.length * intervalSeconds) / 60;
  if (starts === 0 || minutes === 0) {
    return { probability: 0, magnitude: { p50: 1, p90: 1, p99: 1 }, durationSeconds: 0 };
  }
  return {
    probability: Math.min(1, starts / minutes),
    magnitude: { p50: quantile(ratios, 0.5), p90: quantile(ratios, 0.9), p99: quantile(ratios, 0.99) },
    durationSeconds: (ratios.length / starts) * intervalSeconds,
  };
}
