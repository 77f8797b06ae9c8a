import { extractFeaturesInto, predictionScale } from '../src/features/extract.js';
import { traceExamples, type ExampleOptions } from '../src/features/examples.js';
import { declareProfile, DECLARATION_WINDOW_MS } from '../src/features/declare.js';
import { FEATURE_NAMES, HISTORY_WINDOW_MS, HORIZON_MS, RESOURCE_ORDER } from '../src/features/spec.js';
import { recentWindow, WindowBuffers } from '../src/features/window.js';
import type { TraceInstance } from '../src/traces/types.js';
import { baselineContext, BASELINES, BASELINE_NAMES } from './baselines.js';
import { instanceBucket } from './split.js';

/** Horizon samples kept per example and resource: one hour on the traces' 5-minute grid. */
export const HORIZON_SLOTS = HORIZON_MS / 300_000;
/** Per example: mean, p95, p99 for cpu, memory, network (OUTPUT_NAMES order). */
export const TARGET_WIDTH = RESOURCE_ORDER.length * 3;

/**
 * Every example of a trace in columnar typed arrays, so a month (≈350 k examples) fits in a few hundred MB:
 * raw features, the prediction scale, the realized horizon (samples padded to HORIZON_SLOTS by cycling, plus
 * the real count), realized mean/p95/p99, and each baseline's estimate computed on the same input.
 */
export interface Dataset {
  size: number;
  features: Float32Array;
  scales: Float32Array;
  horizon: Float32Array;
  horizonCount: Uint8Array;
  actual: Float64Array;
  baselines: Record<string, Float64Array>;
  instance: Int32Array;
  instanceIds: string[];
  /** Per instance (row = instance index), the features it has as a new bid: declared profile, no history. */
  profileOnly: Float32Array;
  /**
   * Per example, its features with the history cut to the last `shortHistoryHours[row % n]` hours (what a service
   * keeping `historySamples` samples shows the model); empty unless the build asked for it (training does).
   */
  shortHistory: Float32Array;
  at: Float64Array;
  cpuCapacity: Float32Array;
  hasHistory: Uint8Array;
  description: { instances: number; examples: number; firstAt: number; lastAt: number; samples: number };
}

class Grow<T extends Float32Array | Float64Array | Int32Array | Uint8Array> {
  private buffer: T;
  length = 0;
  constructor(
    private readonly make: (n: number) => T,
    private readonly width: number,
  ) {
    this.buffer = make(1024 * width);
  }
  /** Returns the offset of a new row of `width` values. */
  row(): number {
    if ((this.length + 1) * this.width > this.buffer.length) {
      const next = this.make(this.buffer.length * 2);
      next.set(this.buffer);
      this.buffer = next;
    }
    return this.length++ * this.width;
  }
  get data(): T {
    return this.buffer;
  }
  done(): T {
    return this.buffer.subarray(0, this.length * this.width) as T;
  }
}

export interface BuildOptions extends ExampleOptions {
  onInstance?: (instance: TraceInstance, examples: number) => void;
  /** Also build `shortHistory` features, example i with its last `shortHistoryHours[i % n]` hours of history. */
  shortHistoryHours?: readonly number[];
  /**
   * Share of examples (by a hash of instance id and anchor) whose instance declares an `observed` peak instead of
   * `declaredPeak`: training mixes tight and provisioned declarations of the same VMs so the model serves both kinds
   * of client (docs/model-card.md).
   */
  observedPeakShare?: number;
}

/** Whether the example of instance `id` at `at` declares an observed peak when a share of examples does (stable, seedless). */
export function declaresObservedPeak(id: string, at: number, share: number): boolean {
  return instanceBucket(`declared-peak:${id}@${at}`, 1000) < share * 1000;
}

/** The windows training shows as short histories: the service's 60 samples are 1 h of 1-minute or 5 h of 5-minute feedback. */
export const SHORT_HISTORY_HOURS: readonly number[] = [1, 2, 5];

/** The samples of a time-ordered history at or after `from`. */
function historySince<T extends { at: number }>(history: readonly T[], from: number): readonly T[] {
  let start = history.length;
  while (start > 0 && history[start - 1]!.at >= from) start--;
  return history.slice(start);
}

export async function buildDataset(instances: AsyncIterable<TraceInstance>, options: BuildOptions = {}): Promise<Dataset> {
  const width = FEATURE_NAMES.length;
  const features = new Grow((n) => new Float32Array(n), width);
  const scales = new Grow((n) => new Float32Array(n), 3);
  const horizon = new Grow((n) => new Float32Array(n), 3 * HORIZON_SLOTS);
  const horizonCount = new Grow((n) => new Uint8Array(n), 1);
  const actual = new Grow((n) => new Float64Array(n), TARGET_WIDTH);
  const baselines = Object.fromEntries(BASELINE_NAMES.map((b) => [b, new Grow((n) => new Float64Array(n), TARGET_WIDTH)]));
  const instance = new Grow((n) => new Int32Array(n), 1);
  const at = new Grow((n) => new Float64Array(n), 1);
  const cpuCapacity = new Grow((n) => new Float32Array(n), 1);
  const hasHistory = new Grow((n) => new Uint8Array(n), 1);
  // Features of each instance as a new bid (declared profile, no history), for training the no-history case.
  const profileOnly = new Grow((n) => new Float32Array(n), width);
  const shortHours = options.shortHistoryHours ?? [];
  const shortHistory = new Grow((n) => new Float32Array(n), width);
  const instanceIds: string[] = [];
  let firstAt = Number.POSITIVE_INFINITY;
  let lastAt = Number.NEGATIVE_INFINITY;
  let samples = 0;
  // Each example's window is used by its features and baselines before the next one is built.
  const windowBuffers = new WindowBuffers();
  const share = options.observedPeakShare ?? 0;

  for await (const trace of instances) {
    const index = instanceIds.length;
    let count = 0;
    const observed = share > 0 && trace.samples.length > 0 ? declareProfile(trace, options.declarationWindowMs ?? DECLARATION_WINDOW_MS, 'observed') : null;
    for (const traced of traceExamples(trace, options)) {
      const example =
        observed && declaresObservedPeak(trace.id, traced.at, share) ? { ...traced, input: { ...traced.input, profile: observed } } : traced;
      if (count === 0) {
        // With a share of observed peaks, an instance's new-bid row declares as its first example does: across
        // instances the share holds, though each instance is seen as a new bid one way only.
        extractFeaturesInto({ profile: example.input.profile, history: [] }, profileOnly.data, profileOnly.row());
      }
      {
        const input = example.input;
        count += 1;
        firstAt = Math.min(firstAt, example.at);
        lastAt = Math.max(lastAt, example.at);
        const recent = recentWindow(input.history, HISTORY_WINDOW_MS, windowBuffers);
        extractFeaturesInto(input, features.data, features.row(), recent);
        const scale = predictionScale(input.profile);
        const so = scales.row();
        const ho = horizon.row();
        const ao = actual.row();
        RESOURCE_ORDER.forEach((r, ri) => {
          scales.data[so + ri] = scale[r];
          const values = example.target.samples[r];
          for (let k = 0; k < HORIZON_SLOTS; k++) horizon.data[ho + ri * HORIZON_SLOTS + k] = values[k % values.length]!;
          actual.data[ao + ri * 3] = example.target.mean[r];
          actual.data[ao + ri * 3 + 1] = example.target.p95[r];
          actual.data[ao + ri * 3 + 2] = example.target.p99[r];
        });
        horizonCount.data[horizonCount.row()] = Math.min(HORIZON_SLOTS, example.target.samples.cpu.length);
        const context = baselineContext(input, recent);
        for (const name of BASELINE_NAMES) {
          const estimate = BASELINES[name]!(context);
          const grow = baselines[name]!;
          const bo = grow.row();
          RESOURCE_ORDER.forEach((r, ri) => {
            grow.data[bo + ri * 3] = estimate[r].mean;
            grow.data[bo + ri * 3 + 1] = estimate[r].p95;
            grow.data[bo + ri * 3 + 2] = estimate[r].p99;
          });
        }
        instance.data[instance.row()] = index;
        at.data[at.row()] = example.at;
        cpuCapacity.data[cpuCapacity.row()] = example.cpuCapacity;
        hasHistory.data[hasHistory.row()] = input.history.length > 0 ? 1 : 0;
        if (shortHours.length > 0) {
          // After the baselines: this window reuses the buffers `recent` lives in. Row i (the example just added)
          // takes shortHours[i % n].
          const row = instance.length - 1;
          const hours = shortHours[row % shortHours.length]!;
          const short = { profile: input.profile, history: historySince(input.history, example.at - hours * 3_600_000) };
          extractFeaturesInto(short, shortHistory.data, shortHistory.row(), recentWindow(short.history, HISTORY_WINDOW_MS, windowBuffers));
        }
      }
    }
    if (count > 0) {
      // Only instances with examples get an index, so profileOnly rows and instanceIds stay aligned.
      instanceIds.push(trace.id);
      samples += trace.samples.length;
    }
    options.onInstance?.(trace, count);
  }
  return {
    size: instance.length,
    features: features.done(),
    scales: scales.done(),
    horizon: horizon.done(),
    horizonCount: horizonCount.done(),
    actual: actual.done(),
    baselines: Object.fromEntries(Object.entries(baselines).map(([k, g]) => [k, g.done()])),
    instance: instance.done(),
    instanceIds,
    profileOnly: profileOnly.done(),
    shortHistory: shortHistory.done(),
    at: at.done(),
    cpuCapacity: cpuCapacity.done(),
    hasHistory: hasHistory.done(),
    description: { instances: instanceIds.length, examples: instance.length, firstAt, lastAt, samples },
  };
}

/** Row indices of a dataset matching `keep`. */
export function selectRows(dataset: Dataset, keep: (row: number) => boolean): Int32Array {
  const rows: number[] = [];
  for (let i = 0; i < dataset.size; i++) if (keep(i)) rows.push(i);
  return Int32Array.from(rows);
}

/** Gathers rows of a row-major matrix of `width` columns. */
export function gather<T extends Float32Array | Float64Array | Uint8Array>(matrix: T, width: number, rows: Int32Array): T {
  const Ctor = matrix.constructor as new (n: number) => T;
  const out = new Ctor(rows.length * width);
  rows.forEach((row, i) => out.set(matrix.subarray(row * width, (row + 1) * width), i * width));
  return out;
}
