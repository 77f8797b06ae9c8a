import { readTrace } from '../src/traces/open.js';
import type { TraceInstance, TraceRef } from '../src/traces/types.js';
import { buildDataset, type BuildOptions, type Dataset } from './dataset.js';

async function* concat(trace: AsyncIterable<TraceInstance>, extra: readonly TraceInstance[]): AsyncGenerator<TraceInstance> {
  yield* trace;
  yield* extra;
}

/** How to build the dataset: the anchor stride and history window in friendlier units, the rest as buildDataset takes it. */
export interface LoadOptions extends Pick<BuildOptions, 'shortHistoryHours' | 'declaredPeak' | 'observedPeakShare'> {
  /** Minutes between example anchors. */
  strideMinutes: number;
  /** History each example sees, in hours (default 24: what the features read; the service keeps `historySamples`). */
  historyHours?: number;
}

/** Streams a trace (then `extra` instances, e.g. stored feedback) into a dataset, logging progress every 50 instances. */
export async function loadDataset(
  ref: TraceRef,
  { strideMinutes, historyHours, ...build }: LoadOptions,
  log: (line: string) => void,
  extra: readonly TraceInstance[] = [],
): Promise<Dataset> {
  const started = Date.now();
  let seen = 0;
  const dataset = await buildDataset(concat(readTrace(ref), extra), {
    strideMs: strideMinutes * 60_000,
    ...(historyHours !== undefined ? { historyWindowMs: historyHours * 3_600_000 } : {}),
    ...build,
    onInstance: () => {
      seen += 1;
      if (seen % 50 === 0) log(`read ${seen} instances (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    },
  });
  log(
    `dataset: ${dataset.description.examples} examples from ${dataset.description.instances} of ${seen} instances ` +
      `in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (dataset.size === 0) {
    throw new Error(`${ref.format}:${ref.path} yields no examples (instances need more than 25 h of 5-minute data)`);
  }
  return dataset;
}
