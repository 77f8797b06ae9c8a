/**
 * Configuration, resolved once at start from an optional JSON file (PARLEY_CONFIG) overlaid by environment variables,
 * and validated with zod. A bad value is reported by the name the operator set (env variable or file key).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const ONE_MIB = 1024 * 1024;

/** Environment variable for each config key; the file uses the key itself. */
export const ENV_NAMES = {
  port: 'PORT',
  host: 'HOST',
  databaseUrl: 'DATABASE_URL',
  dataDir: 'PARLEY_DATA_DIR',
  roundMs: 'PARLEY_ROUND_MS',
  adminToken: 'PARLEY_ADMIN_TOKEN',
  demoCluster: 'PARLEY_DEMO_CLUSTER',
  logLevel: 'LOG_LEVEL',
  historySamples: 'PARLEY_HISTORY_SAMPLES',
  maxBodyBytes: 'PARLEY_MAX_BODY_BYTES',
  statusCacheMs: 'PARLEY_STATUS_CACHE_MS',
  modelsDir: 'PARLEY_MODELS_DIR',
  engineWorker: 'PARLEY_ENGINE_WORKER',
  onlineRecalibration: 'PARLEY_ONLINE_RECALIBRATION',
} as const;
type EnvKey = keyof typeof ENV_NAMES;

export const configSchema = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    host: z.string().min(1).default('127.0.0.1'),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    dataDir: z.string().min(1).default('.data/pglite'),
    roundMs: z.coerce.number().int().min(10).max(3_600_000).default(1000),
    adminToken: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Path of the demo cluster loaded when no nodes exist; "none" disables it. */
    demoCluster: z.string().min(1).default('config/demo-cluster.json'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Feedback samples per instance given to the predictor each round (most recent). */
    historySamples: z.coerce.number().int().min(0).max(10_000).default(60),
    maxBodyBytes: z.coerce.number().int().min(1024).default(ONE_MIB),
    /** How long a status read may be served from this process's cache (bounds staleness across processes); 0 = off. */
    statusCacheMs: z.coerce.number().int().min(0).max(60_000).default(1000),
    /** Folder of model versions (`<version>/manifest.json`); `active.json` in it names the version served at start. */
    modelsDir: z.string().min(1).default('models'),
    /** Run each clearing round's engine call in a worker thread (true) or on the request thread (false). */
    engineWorker: z.union([z.boolean(), z.stringbool()]).default(true),
    /** Recalibrate the active model's p95 heads from feedback, once per horizon (src/model/onlineCalibration.ts). */
    onlineRecalibration: z.union([z.boolean(), z.stringbool()]).default(true),
    /** Engine overrides, validated against the engine's own schema when the scheduler starts. */
    engine: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function readFileConfig(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`PARLEY_CONFIG: cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(`PARLEY_CONFIG: ${path} must hold a JSON object`);
    }
    return parsed as Record<string, unknown>;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`PARLEY_CONFIG: ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Resolves the configuration; throws ConfigError naming every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const fromFile = env.PARLEY_CONFIG ? readFileConfig(env.PARLEY_CONFIG) : {};
  const source: Record<string, unknown> = { ...fromFile };
  const origin = new Map<string, string>();
  for (const key of Object.keys(fromFile)) origin.set(key, `${env.PARLEY_CONFIG}: ${key}`);
  for (const [key, envName] of Object.entries(ENV_NAMES) as [EnvKey, string][]) {
    const value = env[envName];
    if (value !== undefined && value !== '') {
      source[key] = value;
      origin.set(key, envName);
    }
  }
  const result = configSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const name = origin.get(key) ?? (key ? `${key}` : 'configuration');
      const shown = key && source[key] !== undefined ? ` (got ${JSON.stringify(source[key])})` : '';
      return `${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return result.data;
}
