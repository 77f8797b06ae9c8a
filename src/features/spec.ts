import type { Resource } from '../market/types.js';

/**
 * The feature contract between training and serving. A model's manifest records `FEATURE_SPEC_VERSION` and the
 * feature names; serving refuses a model whose spec differs (see src/model/manifest.ts). Bump the version on any
 * change to what a feature means, not only to the list.
 */
export const FEATURE_SPEC_VERSION = 'parley-features/2';

/** Prediction horizon: targets are the mean and quantiles of utilization over the next hour. */
export const HORIZON_MS = 3_600_000;
/** History the features look at (the most recent day). Baselines get the same window. */
export const HISTORY_WINDOW_MS = 24 * 3_600_000;
/** EWMA half-life: one hour, so the level follows the last few samples but not single spikes. */
export const EWMA_HALF_LIFE_MS = 3_600_000;

/**
 * Smallest scale per resource, in absolute units: a declared profile of 0 would otherwise divide by zero, and a
 * tiny declared network peak would turn ordinary later traffic into ratios of 1000×. 0.1 cores and 64 MiB are
 * below the smallest VM sizes in the traces; 1 Mbps is negligible against any node's NIC (≥ 1 Gbps).
 */
export const SCALE_FLOOR: Readonly<Record<Resource, number>> = { cpu: 0.1, memory: 64, network: 1 };

/**
 * Per resource, every value a ratio to the scale (the declared average, `predictionScale`) except `log_scale` and
 * `declared_peak` = ln(declared peak / scale). Spec 2 (was: scale = declared peak, `declared_avg` = avg / peak): a
 * client declaring its VM's size and one declaring the peak it saw then get the same history features, so one model
 * and one calibration serve both (docs/model-card.md, "How clients declare their peak").
 */
export const PER_RESOURCE_FEATURES = [
  'log_scale',
  'declared_peak',
  'last',
  'mean_1h',
  'mean_6h',
  'mean_24h',
  'p95_6h',
  'p95_24h',
  'max_24h',
  'std_24h',
  'ewma',
  'day_ago_mean',
  'day_ago_p95',
] as const;

export const SHARED_FEATURES = [
  'has_history',
  'history_fraction',
  'hour_sin',
  'hour_cos',
  'burst_probability',
  'burst_magnitude_p90',
] as const;

export const RESOURCE_ORDER = ['cpu', 'memory', 'network'] as const satisfies readonly Resource[];

export const FEATURE_NAMES: readonly string[] = [
  ...SHARED_FEATURES,
  ...RESOURCE_ORDER.flatMap((r) => PER_RESOURCE_FEATURES.map((f) => `${r}_${f}`)),
];

/**
 * Model outputs per resource, in this order; each is a ratio to the resource's scale (see `predictionScale`),
 * predicted as a residual over the raw feature `<resource>_${'last'}` (the last observed value, or the declared
 * average for a new bid): prediction = last + network output. "Tomorrow looks like now" is then the network's
 * starting point, and it learns corrections (headroom for p95/p99, mean reversion for the mean).
 */
export const OUTPUT_REFERENCE_FEATURE = 'last';
export const OUTPUT_HEADS = ['mean', 'p95', 'p99'] as const;
export const OUTPUT_NAMES: readonly string[] = RESOURCE_ORDER.flatMap((r) => OUTPUT_HEADS.map((h) => `${r}_${h}`));
