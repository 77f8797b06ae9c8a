/**
 * A simulation scenario: the cluster's node mix, the bid stream's shape and the ground truth's constants.
 * Loaded from a JSON file (`config/sim-default.json`) and validated here, so a bad file fails before anything runs.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PRIORITY_CLASSES } from '../market/types.js';

const positive = z.number().positive();
const fraction = z.number().min(0).max(1);

const nodeGroupSchema = z.object({
  count: z.number().int().positive(),
  /** Cores, MiB, Mbps, like the engine's NodeCapacity. */
  cpu: positive,
  memory: positive,
  network: positive,
  /** Memory bandwidth in GB/s: invisible to the engine, used only by the ground-truth interference model. */
  memoryBandwidth: positive,
  labels: z.record(z.string(), z.string()).default({}),
});

const contractSchema = z.object({
  maxInterruptionsPerDay: z.number().int().min(0),
  maxInterruptionSeconds: z.number().min(0),
  minNoticeSeconds: z.number().min(0),
  uninterruptible: z.boolean(),
  /** Penalty fee as a multiple of the instance's hourly value (only for uninterruptible contracts). */
  feeHours: z.number().min(0).default(0),
  /** Priority points lost when an instance is preempted for breaking its declared profile. */
  priorityReduction: z.number().min(0).default(0),
});

const priorityRecord = <T extends z.ZodType>(schema: T) =>
  z.object({ low: schema, normal: schema, high: schema, critical: schema });

export const scenarioSchema = z.object({
  name: z.string().min(1),
  seed: z.number().int(),
  /** Epoch ms at which the simulated clock starts (a Monday 00:00 UTC keeps the diurnal phase readable). */
  startAt: z.number().int().nonnegative(),
  durationHours: positive,
  /** Length of one usage step and of the interval between clearing rounds; the traces' 5-minute step. */
  stepSeconds: z.number().int().positive(),
  nodes: z.array(nodeGroupSchema).min(1),
  arrivals: z.object({
    /** Mean bids per hour over a day. */
    meanPerHour: positive,
    /** Relative amplitude of the daily sine: rate(t) = mean × (1 + amplitude × sin(2π (h − peakHour + 6) / 24)). */
    diurnalAmplitude: fraction,
    peakHour: z.number().min(0).max(24),
  }),
  /** Standalone runtime of a workload: log-normal, clipped to [min, max] hours. */
  runtimeHours: z.object({ median: positive, sigma: z.number().min(0), min: positive, max: positive }),
  /** Share of bids per priority class. */
  priorityMix: priorityRecord(z.number().min(0)),
  /**
   * True value per hour = the reserve price of the declared peak (engine's per-unit reserve) × a log-normal markup:
   * median per class, common log-space sigma. So value scales with the bundle a workload asks for.
   */
  valueMarkup: z.object({ median: priorityRecord(positive), sigma: z.number().min(0) }),
  contracts: priorityRecord(contractSchema),
  /** Priority classes whose value depends on latency: an hour at slowdown > qosSlowdown delivers no value. */
  latencySensitive: z.array(z.enum(PRIORITY_CLASSES)),
  qosSlowdown: z.number().min(1),
  /** Share of bids whose true usage comes from a PlanetLab CPU series (bursty) instead of a Bitbrains VM. */
  planetLabShare: fraction,
  /** How long a pending bid waits before the client gives up (the bid's maxWaitSeconds). */
  maxWaitHours: positive,
  /** How a client declares its profile from history: peak = this quantile of the history (1 = max). */
  declaredPeakQuantile: fraction,
  /** Hours of history a client looks at to declare its profile. */
  declarationHistoryHours: positive,
  /** Hours between a running batch workload's checkpoints (work since the last one is lost on an abrupt stop). */
  checkpointHours: positive,
  traces: z.object({ bitbrainsDir: z.string().min(1), planetLabDir: z.string().min(1) }),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ContractTemplate = z.infer<typeof contractSchema>;
export type NodeGroup = z.infer<typeof nodeGroupSchema>;

/** Validates a scenario; the error names its source and every invalid field. */
function validScenario(raw: unknown, source: string): Scenario {
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`scenario ${source}: ${issues}`);
  }
  return parsed.data;
}

/** Reads and validates a scenario file; the error names the file and every invalid field. */
export function loadScenario(path: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`scenario ${path}: cannot read JSON: ${(error as Error).message}`);
  }
  return validScenario(raw, path);
}

/** What the command line may change in a scenario file (`npm run simulate -- --seed --hours --arrivals-per-hour`). */
export interface ScenarioOverrides {
  seed?: number;
  durationHours?: number;
  /** `arrivals.meanPerHour`: the load offered to the same cluster. */
  meanPerHour?: number;
}

/**
 * The scenario with the command line's overrides applied, validated by the same schema as the file (so `--hours -3`
 * or `--seed 1.5` is refused as the file's field would be). `source` names the origin in the error.
 */
export function overrideScenario(base: Scenario, overrides: ScenarioOverrides, source: string): Scenario {
  const { seed, durationHours, meanPerHour } = overrides;
  return validScenario(
    {
      ...base,
      ...(seed !== undefined ? { seed } : {}),
      ...(durationHours !== undefined ? { durationHours } : {}),
      ...(meanPerHour !== undefined ? { arrivals: { ...base.arrivals, meanPerHour } } : {}),
    },
    `${source} with the command line's overrides`,
  );
}
