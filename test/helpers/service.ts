/**
 * An in-process Parley for tests: the real app, services, engine and clearing loop on a test database, with a
 * controllable clock. Rounds run only when a test calls `round()`, so every assertion sees a settled state.
 */
import { afterAll, beforeAll } from 'vitest';
import { pino } from 'pino';
import { createApp } from '../../src/api/app.js';
import type { App } from '../../src/api/env.js';
import type { Database } from '../../src/db/database.js';
import { ModelRegistry } from '../../src/model/registry.js';
import { onlineStateStore } from '../../src/model/versionTable.js';
import { ClearingLoop, type LoopOptions } from '../../src/scheduler/loop.js';
import { inlineRoundRunner } from '../../src/scheduler/roundRunner.js';
import { readSnapshot } from '../../src/scheduler/snapshot.js';
import type { SnapshotCache } from '../../src/scheduler/snapshotCache.js';
import { bindMarketEngine, statisticalModels } from '../../src/scheduler/marketEngine.js';
import { noRoundTrigger, randomId, serviceContext, type ServiceContext } from '../../src/service/context.js';
import { createClient } from '../../src/service/createClient.js';
import { ensureOperatorToken } from '../../src/service/ensureOperatorToken.js';
import { createMetrics } from '../../src/service/metrics.js';
import { openTestDatabase } from './database.js';

export const ONE_MIB = 1024 * 1024;

export class ManualClock {
  constructor(public t = Date.UTC(2026, 0, 1)) {}
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

export interface TestService {
  app: App;
  ctx: ServiceContext;
  clock: ManualClock;
  loop: ClearingLoop;
  operatorToken: string;
  newClient(name?: string): Promise<{ clientId: string; apiKey: string }>;
  round(): ReturnType<ClearingLoop['runRound']>;
}

/**
 * With `modelsDir`, predictions come from a ModelRegistry over that folder (statistical fallback until activation);
 * with `onlineRecalibration` too, the registry recalibrates online as the server's does (state in the database).
 */
export async function createTestService(database: Database, options: { modelsDir?: string; onlineRecalibration?: boolean } = {}): Promise<TestService> {
  const clock = new ManualClock();
  const logger = pino({ level: 'silent' });
  const engine = bindMarketEngine();
  const models = options.modelsDir
    ? new ModelRegistry({ modelsDir: options.modelsDir, fallback: statisticalModels().current() })
    : undefined;
  const predictions = models ?? statisticalModels();
  const runner = inlineRoundRunner(engine);
  const ctx = serviceContext({
    db: database.db,
    clock,
    predictions,
    engine,
    historySamples: 60,
    statusCacheMs: 60_000,
    rounds: noRoundTrigger,
    models,
    quoteRunner: runner,
  });
  if (models && options.onlineRecalibration) await models.trackOnline(onlineStateStore(database.db, () => clock.now()));
  const operatorToken = `op-test-${randomId('t')}`;
  await ensureOperatorToken({ ctx, configured: operatorToken });
  const metrics = createMetrics({ defaults: false });
  const loop = new ClearingLoop({
    db: database.db,
    clock,
    predictions,
    engine,
    roundMs: 1000,
    historySamples: 60,
    logger,
    metrics,
    newId: randomId,
    statusCache: ctx.statusCache,
    quoteSnapshots: ctx.quoteSnapshots,
    runner,
    ...(models && options.onlineRecalibration ? { recalibration: models } : {}),
  });
  return {
    app: createApp({ ctx, logger, metrics, maxBodyBytes: ONE_MIB }),
    ctx,
    clock,
    loop,
    operatorToken,
    newClient: (name = 'test') => createClient({ ctx, input: { name } }),
    round: () => loop.runRound(),
  };
}

/** A clearing loop of its own over the test service's database, clock and models (rounds only when run). */
export function loopFor(svc: TestService, options: Partial<LoopOptions> = {}): ClearingLoop {
  return new ClearingLoop({
    db: svc.ctx.db,
    clock: svc.clock,
    predictions: svc.ctx.predictions,
    engine: svc.ctx.engine,
    roundMs: 1000,
    historySamples: 60,
    logger: pino({ level: 'silent' }),
    newId: randomId,
    ...options,
  });
}

/** readSnapshot's options as the service's loop uses them (without a cache unless given one). */
export const snapshotOptions = (svc: TestService, cache?: SnapshotCache, historySamples = 60) => ({
  historySamples,
  ledgerHalfLifeSeconds: svc.ctx.engine.config.priorityReductionHalfLifeSeconds,
  ...(cache ? { cache } : {}),
});

/** Reads a snapshot now and computes its plan inline (seed 1), without applying it. */
export async function planNow(svc: TestService) {
  const read = await svc.ctx.db.transaction((tx) => readSnapshot(tx, svc.clock.now(), snapshotOptions(svc)));
  const models = svc.ctx.predictions.current();
  const plan = svc.ctx.engine.clearRound(read.snapshot, {
    predictor: models.predictor,
    interference: models.interference,
    random: svc.ctx.engine.random(1),
  });
  return { read, plan };
}

export interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  contentType: string | null;
}

/** Sends a request through app.request (no port) with a bearer token and a JSON body. */
export async function call(
  app: App,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  const res = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed, contentType: res.headers.get('content-type') };
}

/** Opens one test database and service for a whole test file (PGlite start is slow), closing it afterwards. */
export function useTestService(setup?: (svc: TestService) => Promise<void>): { database: Database; svc: TestService } {
  const env = {} as { database: Database; svc: TestService };
  beforeAll(async () => {
    env.database = await openTestDatabase();
    env.svc = await createTestService(env.database);
    await setup?.(env.svc);
  });
  afterAll(async () => {
    await env.database?.close();
  });
  return env;
}
