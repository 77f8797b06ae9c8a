import { HORIZON_MS } from '../src/features/spec.js';
import type { Dataset } from './dataset.js';
import { selectRows } from './dataset.js';

export const SPLITS = ['temporal', 'instance', 'development'] as const;
export type SplitKind = (typeof SPLITS)[number];

const DAY_MS = 86_400_000;
/** Temporal split: the first 70 % of the trace's days train, the rest test. */
const TRAIN_SHARE = 0.7;
/** Validation (early stopping, calibration) is the last 15 % of the training period, or 1 in 5 train instances. */
const VALIDATION_SHARE = 0.15;

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
  const validationStart = cutoff - VALIDATION_SHARE * (cutoff - start);
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
 * The temporal split of a temporal split's training period [start, outer.cutoff) alone: fit, validation and test all
 * end before the outer test period begins. Of the temporal split it is the development split; of the development
 * split, a split nested one level further. Calibration uses it to see how coverage measured on a validation block
 * holds up on the days after it (training/calibration.ts).
 */
export function innerSplit(dataset: Dataset, outer: Split): Split {
  if (outer.cutoff === null) throw new Error(`a ${outer.kind} split has no training period to split in time`);
  const start = dataset.description.firstAt;
  return temporalParts(dataset, 'development', start, cutoffBetween(start, outer.cutoff), outer.cutoff);
}

/**
 * Temporal: fit on [start, validationStart), validate on [validationStart, cutoff), test on [cutoff, end); an
 * example belongs to the fit or validation period only if its whole target horizon does. Development: the same
 * split applied to the temporal split's training period [start, cutoff) alone, so that every choice (calibration
 * rule, architecture, epochs) can be made and checked on a "test" period of its own without reading one row of the
 * real test days. Instance: 1 in 5 instances (by hash) test, 1 in 5 validate, the rest fit, over the whole period.
 */
export function splitDataset(dataset: Dataset, kind: SplitKind): Split {
  const start = dataset.description.firstAt;
  if (kind === 'temporal') return temporalParts(dataset, kind, start, temporalCutoff(dataset), Number.POSITIVE_INFINITY);
  if (kind === 'development') return innerSplit(dataset, splitDataset(dataset, 'temporal'));
  const bucketOf = (i: number) => instanceBucket(dataset.instanceIds[dataset.instance[i]!]!, 5);
  return {
    kind,
    cutoff: null,
    fit: selectRows(dataset, (i) => bucketOf(i) >= 2),
    validation: selectRows(dataset, (i) => bucketOf(i) === 1),
    test: selectRows(dataset, (i) => bucketOf(i) === 0),
  };
}
