import { HORIZON_MS } from '../src/features/spec.js';
import type { Dataset } from './dataset.js';
import { selectRows } from './dataset.js';

export const SPLITS = ['temporal', 'instance'] as const;
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

export function temporalCutoff(dataset: Dataset): number {
  const { firstAt, lastAt } = dataset.description;
  return Math.floor((firstAt + TRAIN_SHARE * (lastAt - firstAt)) / DAY_MS) * DAY_MS;
}

/**
 * Temporal: fit on [start, validationStart), validate on [validationStart, cutoff), test on [cutoff, end); an
 * example belongs to a period only if its whole target horizon does. Instance: 1 in 5 instances (by hash) test,
 * 1 in 5 validate, the rest fit, over the whole period.
 */
export function splitDataset(dataset: Dataset, kind: SplitKind): Split {
  if (kind === 'temporal') {
    const cutoff = temporalCutoff(dataset);
    const start = dataset.description.firstAt;
    const validationStart = cutoff - VALIDATION_SHARE * (cutoff - start);
    return {
      kind,
      cutoff,
      fit: selectRows(dataset, (i) => dataset.at[i]! + HORIZON_MS <= validationStart),
      validation: selectRows(dataset, (i) => dataset.at[i]! >= validationStart && dataset.at[i]! + HORIZON_MS <= cutoff),
      test: selectRows(dataset, (i) => dataset.at[i]! >= cutoff),
    };
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
