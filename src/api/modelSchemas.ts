/** Response schemas of the operator's model endpoints (GET /models, POST /models/{version}/activate). */
import { z } from '@hono/zod-openapi';
import { VERSION_PATTERN } from '../model/manifest.js';

export const versionParam = z.object({
  version: z
    .string()
    .regex(VERSION_PATTERN, 'a version name: letters, digits, ".", "_" or "-", not starting with "." (at most 100)')
    .openapi({ param: { name: 'version', in: 'path' }, example: 'v20261124-120447' }),
});

const metricSchema = z.object({ mae: z.number(), coverage: z.number(), pinball: z.number() });

export const modelVersionSchema = z
  .object({
    version: z.string(),
    createdAt: z.string().nullable(),
    featureSpecVersion: z.string().nullable(),
    data: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ description: 'The training data description from the manifest (trace, instances, period, split)' }),
    metrics: z
      .record(z.string(), z.object({ model: metricSchema, baselines: z.record(z.string(), metricSchema) }))
      .nullable()
      .openapi({ description: 'Held-out MAE, p95 coverage and pinball loss of the model and of every baseline, per target' }),
    active: z.boolean().openapi({ description: 'Serving in this process now' }),
    recordedActive: z.boolean().openapi({ description: 'Marked active in model_versions (the last recorded activation)' }),
    registered: z.boolean().openapi({ description: 'Has a model_versions row' }),
    inModelsDir: z.boolean().openapi({ description: 'Its folder is in the models directory (only those can be activated)' }),
    problem: z.string().nullable().openapi({ description: 'Why it cannot be activated; null when it can' }),
  })
  .openapi('ModelVersion');

const perResource = z.object({ cpu: z.number(), memory: z.number(), network: z.number() });

export const onlineCalibrationSchema = z
  .object({
    version: z.string(),
    p95Shift: perResource.openapi({
      description: 'Online correction added to each p95 head, in units of the declared average (0: the training calibration)',
    }),
    targetCoverage: z.number().openapi({
      description: 'Share of feedback samples at or under the p95 served that the correction steers to (0.955: a margin over 0.95)',
    }),
    steps: z.number().int(),
    steppedAt: z.string().nullable().openapi({ description: 'Time of the last step (one per hour of feedback)' }),
    window: z
      .object({ samples: perResource, misses: perResource })
      .openapi({
        description:
          'Feedback samples counted since the last step by every process serving the version, and how many landed above the p95 served, as of this process\'s last save (each round saves what it counted)',
      }),
  })
  .openapi('OnlineCalibration');

export const modelListSchema = z
  .object({
    active: z.string().nullable(),
    onlineCalibration: onlineCalibrationSchema.nullable().openapi({
      description: "The active version's online recalibration, as this process last saved or read it; null when none is tracked",
    }),
    versions: z.array(modelVersionSchema),
  })
  .openapi('ModelVersions');

export const activationSchema = z
  .object({ version: z.string(), previous: z.string().nullable(), activatedAt: z.string() })
  .openapi('ModelActivation');
