import { z } from 'zod';
import { FEATURE_NAMES, FEATURE_SPEC_VERSION, OUTPUT_NAMES } from '../features/spec.js';
import { INTERFERENCE_FEATURE_NAMES, INTERFERENCE_QUANTILES, INTERFERENCE_SPEC_VERSION } from '../features/interference.js';

const metricSchema = z.object({ mae: z.number(), coverage: z.number(), pinball: z.number() }).passthrough();

const normalizationSchema = z
  .object({
    mean: z.array(z.number()),
    std: z.array(z.number().positive()),
    /** Training range of each raw feature (src/features/normalize.ts); optional: older manifests lack it. */
    min: z.array(z.number()).optional(),
    max: z.array(z.number()).optional(),
  })
  .refine((n) => n.mean.length === n.std.length, 'normalization mean and std differ in length')
  .refine((n) => (n.min === undefined) === (n.max === undefined), 'normalization has min without max or max without min')
  .refine((n) => n.min === undefined || (n.min.length === n.mean.length && n.max!.length === n.mean.length), 'normalization min and max differ in length from mean')
  .refine((n) => n.min === undefined || n.min.every((lo, j) => lo <= n.max![j]!), 'normalization min exceeds max');

/** A version name: also a folder name under the models directory, so no separators and no leading dot. */
export const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** The manifest of a model version: what it was trained on, how to feed it, and how it scored. */
export const manifestSchema = z.object({
  version: z.string().regex(VERSION_PATTERN),
  createdAt: z.string(),
  gitCommit: z.string().nullable(),
  featureSpec: z.object({ version: z.string(), names: z.array(z.string()) }),
  outputs: z.array(z.string()),
  normalization: normalizationSchema,
  /** Additive shift, in ratio-to-scale units, per output (OUTPUT_NAMES order), fitted on validation data. */
  calibration: z.array(z.number()),
  utilization: z.object({ path: z.string() }),
  interference: z.object({
    path: z.string(),
    /** INTERFERENCE_SPEC_VERSION the head was trained with. */
    specVersion: z.string(),
    features: z.array(z.string()),
    /** Quantiles of slowdown − 1 the head's outputs predict, in output order (median first, QoS quantile last). */
    quantiles: z.array(z.number().gt(0).lt(1)),
    normalization: normalizationSchema,
    trainedOn: z.string(),
  }),
  data: z.record(z.string(), z.unknown()),
  training: z.record(z.string(), z.unknown()),
  metrics: z.object({ targets: z.record(z.string(), z.object({ model: metricSchema, baselines: z.record(z.string(), metricSchema) }).passthrough()) }).passthrough(),
});
export type ModelManifest = z.infer<typeof manifestSchema>;

export class IncompatibleModelError extends Error {
  override readonly name = 'IncompatibleModelError';
}

/**
 * Parses a manifest and checks it against the feature spec this build serves. Any mismatch (spec version, feature
 * list, outputs, vector lengths) is refused: a model fed features in another order predicts garbage silently.
 */
export function validateManifest(raw: unknown, where: string): ModelManifest {
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new IncompatibleModelError(`${where}: manifest is invalid: ${z.prettifyError(parsed.error)}`);
  }
  const m = parsed.data;
  const fail = (why: string) => {
    throw new IncompatibleModelError(`${where}: model ${m.version} is incompatible with this server: ${why}`);
  };
  if (m.featureSpec.version !== FEATURE_SPEC_VERSION) {
    fail(`feature spec ${m.featureSpec.version}, server serves ${FEATURE_SPEC_VERSION}`);
  }
  if (m.featureSpec.names.join(',') !== FEATURE_NAMES.join(',')) fail('feature names differ from the serving spec');
  if (m.outputs.join(',') !== OUTPUT_NAMES.join(',')) fail(`outputs ${m.outputs.join(',')} differ from ${OUTPUT_NAMES.join(',')}`);
  if (m.normalization.mean.length !== FEATURE_NAMES.length) fail('normalization length differs from the feature count');
  if (m.calibration.length !== OUTPUT_NAMES.length) fail('calibration length differs from the output count');
  if (m.interference.specVersion !== INTERFERENCE_SPEC_VERSION) {
    fail(`interference spec ${m.interference.specVersion}, server serves ${INTERFERENCE_SPEC_VERSION}`);
  }
  if (m.interference.features.join(',') !== INTERFERENCE_FEATURE_NAMES.join(',')) fail('interference features differ');
  if (m.interference.quantiles.join(',') !== INTERFERENCE_QUANTILES.join(',')) {
    fail(`interference quantiles ${m.interference.quantiles.join(',')}, server serves ${INTERFERENCE_QUANTILES.join(',')}`);
  }
  if (m.interference.normalization.mean.length !== INTERFERENCE_FEATURE_NAMES.length) {
    fail('interference normalization length differs from its feature count');
  }
  return m;
}
