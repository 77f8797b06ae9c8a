import { HORIZON_MS } from '../src/features/spec.js';
import type { Dataset } from './dataset.js';
import { selectRows } from './dataset.js';

export const SPLITS = ['temporal', 'instance', 'development'] as const;
export type SplitKind = (typeof SPLITS)[number];

const DAY_MS = 86_400_000;
/** Temporal split: the first 70 % of the trace's days train, the rest test. */
const TRAIN_SHARE = 0.7;
/**
 * Temporal validation (early stopping, calibration): the last whole week of the training period when it spans at
 * least two weeks, so calibration sees every day of the week as the test days do (a 3-day block that fell on a
 * weekend under-covered the weekdays after it: docs/model-card.md); else the last 15 % of it. Instance split: 1 in 5
 * train instances.
 */
const WEEK_MS = 7 * 86_400_000;
const VALIDATION_SHARE = 0.15;

/** Length of the temporal validation block for a training period of `spanMs`. */
export function validationSpan(spanMs: number): number {
  return spanMs >= 2 * WEEK_MS ? WEEK_MS : VALIDATION_SHARE * spanMs;
}

export interface Split {
  kind: SplitKind;
  fit: Int32Array;
  validation: Int32Array;
  test: Int32Array;
  /** Temporal: the first test time (epoch ms, a UTC midnight). */
  cutoff: number | null;
}

/** FNV-1a of an instance id: a stable, seedless way to hold instances out. */
export function instanceBucket(id: string, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % buckets;
}

/** The first UTC midnight at or before `TRAIN_SHARE` of the way from `start` to `end`. */
function cutoffBetween(start: number, end: number): number {
  return Math.floor((start + TRAIN_SHARE * (end - start)) / DAY_MS) * DAY_MS;
}

export function temporalCutoff(dataset: Dataset): number {
  return cutoffBetween(dataset.description.firstAt, dataset.description.lastAt);
}

/** Fit [start, validationStart), validation [validationStart, cutoff), test [cutoff, end): whole horizons only. */
function temporalParts(dataset: Dataset, kind: SplitKind, start: number, cutoff: number, end: number): Split {
  const validationStart = cutoff - validationSpan(cutoff - start);
  const within = (i: number, from: number, to: number) => dataset.at[i]! >= from && dataset.at[i]! + HORIZON_MS <= to;
  return {
    kind,
    cutoff,
    fit: selectRows(dataset, (i) => dataset.at[i]! + HORIZON_MS <= validationStart),
    validation: selectRows(dataset, (i) => within(i, validationStart, cutoff)),
    test: selectRows(dataset, (i) => dataset.at[i]! >= cutoff && dataset.at[i]! + HORIZON_MS <= end),
  };
}

/**
 * Temporal: fit on [start, validationStart), validate on [validationStart, cutoff) (see validationSpan), test on
 * [cutoff, end); an example belongs to the fit or validation period only if its whole target horizon does.
 * Development: the same split applied to the temporal split's training period [start, cutoff) alone, so that choices
 * (calibration rule, architecture, loss, epochs) can be made and checked on a "test" period of its own without
 * reading one row of the real test days. Instance: 1 in 5 instances (by hash) test, 1 in 5 validate, the rest fit,
 * over the whole period.
 */
export function splitDataset(dataset: Dataset, kind: SplitKind): Split {
  const start = dataset.description.firstAt;
  if (kind === 'temporal') return temporalParts(dataset, kind, start, temporalCutoff(dataset), Number.POSITIVE_INFINITY);
  if (kind === 'development') {
    const trainingEnd = temporalCutoff(dataset);
    return temporalParts(dataset, kind, start, cutoffBetween(start, trainingEnd), trainingEnd);
  }
  const bucketOf = (i: number) => instanceBucket(dataset.instanceIds[dataset.instance[i]!]!, 5);
  return {
    kind,
    cutoff: null,
    fit: selectRows(dataset, (i) => bucketOf(i) >= 2),
    validation: selectRows(dataset, (i) => bucketOf(i) === 1),
    test: selectRows(dataset, (i) => bucketOf(i) === 0),
  };
}
