import { z } from 'zod';
import type { onlineCalibrationSchema } from '../api/modelSchemas.js';
import { listModelVersionRows } from '../model/versionTable.js';
import { validateManifest } from '../model/manifest.js';
import { P95_TARGET_COVERAGE, TRACKED_HEADS } from '../model/onlineCalibration.js';
import { RESOURCE_ORDER } from '../features/spec.js';
import type { ServiceContext } from './context.js';

const metricSchema = z.object({ mae: z.number(), coverage: z.number(), pinball: z.number() });
const targetsSchema = z.record(z.string(), z.object({ model: metricSchema, baselines: z.record(z.string(), metricSchema) }));

type Metric = z.infer<typeof metricSchema>;
export type TargetMetrics = z.infer<typeof targetsSchema>;

export interface ModelVersionView {
  version: string;
  createdAt: string | null;
  featureSpecVersion: string | null;
  /** The manifest's data description; the list of trained instance ids is replaced by its length. */
  data: Record<string, unknown> | null;
  /** Held-out metrics of the model and of every baseline, per target (`cpu_p95`, `memory_mean`, ...). */
  metrics: TargetMetrics | null;
  /** Serving in this process right now. */
  active: boolean;
  /** The `model_versions` row marks it active (the last activation recorded in the database). */
  recordedActive: boolean;
  registered: boolean;
  inModelsDir: boolean;
  /** Why this version cannot be activated, null when it can. */
  problem: string | null;
}

const pick = ({ mae, coverage, pinball }: Metric): Metric => ({ mae, coverage, pinball });

/** Keeps the three headline figures per target; null when the manifest's metrics have another shape. */
function summarizeMetrics(metrics: unknown): TargetMetrics | null {
  const parsed = targetsSchema.safeParse((metrics as { targets?: unknown } | null)?.targets);
  if (!parsed.success) return null;
  const out: TargetMetrics = {};
  for (const [target, { model, baselines }] of Object.entries(parsed.data)) {
    out[target] = {
      model: pick(model),
      baselines: Object.fromEntries(Object.entries(baselines).map(([name, m]) => [name, pick(m)])),
    };
  }
  return out;
}

function summarizeData(data: unknown): Record<string, unknown> | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const { trainedInstances, ...rest } = data as Record<string, unknown>;
  return Array.isArray(trainedInstances) ? { ...rest, trainedInstanceCount: trainedInstances.length } : rest;
}

/** The active version's online correction as `GET /models` shows it (the API's `OnlineCalibration` schema). */
export type OnlineCalibrationView = z.infer<typeof onlineCalibrationSchema>;

/** The active version's online correction in this process (src/model/onlineCalibration.ts), null when none is tracked. */
function onlineCalibrationView(ctx: ServiceContext): OnlineCalibrationView | null {
  const state = ctx.models?.onlineState;
  const version = ctx.models?.activeVersion;
  if (!state || !version) return null;
  const p95Shift = { cpu: 0, memory: 0, network: 0 };
  const window = { samples: { cpu: 0, memory: 0, network: 0 }, misses: { cpu: 0, memory: 0, network: 0 } };
  for (const { output, resource } of TRACKED_HEADS) {
    const r = RESOURCE_ORDER[resource]!;
    p95Shift[r] = state.shift[output]!;
    window.samples[r] = state.window.samples[output]!;
    window.misses[r] = state.window.misses[output]!;
  }
  return { version, p95Shift, targetCoverage: P95_TARGET_COVERAGE, steps: state.steps, steppedAt: state.steppedAt === null ? null : new Date(state.steppedAt).toISOString(), window };
}

/**
 * Every model version known to the database (`model_versions`) or present in the models folder, newest first,
 * with its manifest summary and which one serves. A folder's manifest is the source of truth when both exist: it is
 * what activation would load.
 */
export async function listModels({
  ctx,
}: {
  ctx: ServiceContext;
}): Promise<{ active: string | null; onlineCalibration: OnlineCalibrationView | null; versions: ModelVersionView[] }> {
  const registry = ctx.models;
  const [rows, onDisk] = await Promise.all([listModelVersionRows(ctx.db), registry ? registry.list() : Promise.resolve([])]);
  const active = registry?.activeVersion ?? null;
  const views = new Map<string, ModelVersionView>();
  for (const info of onDisk) {
    views.set(info.version, {
      version: info.version,
      createdAt: info.createdAt,
      featureSpecVersion: info.featureSpecVersion,
      data: summarizeData(info.data),
      metrics: summarizeMetrics(info.metrics),
      active: info.version === active,
      recordedActive: false,
      registered: false,
      inModelsDir: true,
      problem: info.problem,
    });
  }
  for (const row of rows) {
    const known = views.get(row.version);
    if (known) {
      known.registered = true;
      known.recordedActive = row.active;
      continue;
    }
    const manifest = row.manifest as { featureSpec?: { version?: unknown }; data?: unknown; metrics?: unknown } | null;
    let problem = registry
      ? `not in the models folder ${registry.modelsDir} (registered from ${row.path})`
      : 'this service runs without a model registry';
    try {
      validateManifest(row.manifest, row.path);
    } catch (error) {
      problem = `${problem}; ${(error as Error).message}`;
    }
    views.set(row.version, {
      version: row.version,
      createdAt: new Date(row.createdAt).toISOString(),
      featureSpecVersion: typeof manifest?.featureSpec?.version === 'string' ? manifest.featureSpec.version : null,
      data: summarizeData(manifest?.data),
      metrics: summarizeMetrics(manifest?.metrics),
      active: row.version === active,
      recordedActive: row.active,
      registered: true,
      inModelsDir: false,
      problem,
    });
  }
  const versions = [...views.values()].sort(
    (a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || b.version.localeCompare(a.version),
  );
  return { active, onlineCalibration: onlineCalibrationView(ctx), versions };
}
