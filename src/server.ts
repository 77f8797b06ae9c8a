/**
 * Builds and runs the whole service from a resolved Config: database (migrated), operator token, demo cluster,
 * clearing loop and HTTP server. `stop()` shuts down in the order that loses nothing: refuse new connections and let
 * in-flight requests finish, stop the loop after its current round, terminate the round worker, then close the database.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Logger } from 'pino';
import { createApp } from './api/app.js';
import type { Config } from './config/index.js';
import { openDatabase, type Database } from './db/database.js';
import { ActiveVersionSync } from './model/activeVersionSync.js';
import { onlineStateStore } from './model/versionTable.js';
import type { ModelRegistry } from './model/registry.js';
import { ClearingLoop } from './scheduler/loop.js';
import type { MarketEngine } from './scheduler/engine.js';
import { inlineRoundRunner } from './scheduler/roundRunner.js';
import { WorkerRoundRunner } from './scheduler/workerRoundRunner.js';
import { randomId, serviceContext, systemClock, type PredictionProvider } from './service/context.js';
import { ensureOperatorToken } from './service/ensureOperatorToken.js';
import { loadDemoCluster } from './service/loadDemoCluster.js';
import { createMetrics } from './service/metrics.js';

export interface RunningServer {
  port: number;
  database: Database;
  loop: ClearingLoop;
  stop(): Promise<void>;
}

export interface ServerDeps {
  config: Config;
  logger: Logger;
  engine: MarketEngine;
  predictions: PredictionProvider;
  /** The registry behind `predictions`, when it serves learned models (enables GET /models and activation). */
  models?: ModelRegistry;
}

export async function startServer({ config, logger, engine, predictions, models }: ServerDeps): Promise<RunningServer> {
  const database = await openDatabase(
    config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dataDir: config.dataDir },
  );
  logger.info(
    { driver: database.driver, ...(database.driver === 'pglite' ? { dataDir: config.dataDir } : {}) },
    'database ready (migrations applied)',
  );
  const metrics = createMetrics({ defaults: true });
  const loopRef: { loop: ClearingLoop | null } = { loop: null };
  // One runner for rounds and quotes: both run off the request thread and share its prediction cache.
  const runner = config.engineWorker ? new WorkerRoundRunner(engine, logger) : inlineRoundRunner(engine);
  const ctx = serviceContext({
    db: database.db,
    clock: systemClock,
    predictions,
    engine,
    historySamples: config.historySamples,
    statusCacheMs: config.statusCacheMs,
    rounds: { bidArrived: () => loopRef.loop?.bidArrived(), capacityFreed: () => loopRef.loop?.capacityFreed() },
    models,
    quoteRunner: runner,
  });

  metrics.countStatusReads(ctx.statusCache);
  const { generated } = await ensureOperatorToken({ ctx, configured: config.adminToken });
  if (generated) {
    // Printed once on purpose: only its hash is stored, so this is the operator's one chance to copy it.
    process.stdout.write(
      `\nParley operator token (shown once, stored only as a hash; set PARLEY_ADMIN_TOKEN to choose your own):\n  ${generated}\n\n`,
    );
  }
  if (config.demoCluster !== 'none') {
    const added = await loadDemoCluster({ ctx, path: config.demoCluster });
    if (added > 0) logger.info({ nodes: added, file: config.demoCluster }, 'loaded demo cluster');
  }

  // Model activation is a database fact: this process follows the active row of model_versions (before the first
  // round, then every few seconds), whichever process or CLI wrote it.
  const modelSync = models
    ? new ActiveVersionSync({ db: database.db, registry: models, log: (level, message) => logger[level](message) })
    : null;
  if (modelSync) {
    await modelSync.check();
    modelSync.start();
  }
  // The active model's quantile heads follow the coverage its feedback shows (src/model/onlineCalibration.ts).
  if (models && config.onlineRecalibration) await models.trackOnline(onlineStateStore(database.db, () => systemClock.now()));

  const loop = new ClearingLoop({
    db: database.db,
    clock: systemClock,
    predictions,
    engine,
    runner,
    roundMs: config.roundMs,
    historySamples: config.historySamples,
    logger,
    metrics,
    newId: randomId,
    statusCache: ctx.statusCache,
    quoteSnapshots: ctx.quoteSnapshots,
    ...(models && config.onlineRecalibration ? { recalibration: models } : {}),
  });
  loopRef.loop = loop;

  let shuttingDown = false;
  const app = createApp({ ctx, logger, metrics, maxBodyBytes: config.maxBodyBytes, isShuttingDown: () => shuttingDown });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  loop.start();
  logger.info({ port, host: config.host, roundMs: config.roundMs, engineWorker: config.engineWorker }, `Parley listening on http://${config.host}:${port}`);
  const token = config.adminToken !== undefined ? '$PARLEY_ADMIN_TOKEN' : '<operator token>';
  logger.info(
    `Create a client key: curl -s -X POST http://${config.host}:${port}/clients -H "Authorization: Bearer ${token}" -H 'Content-Type: application/json' -d '{"name":"me"}'`,
  );

  return {
    port,
    database,
    loop,
    stop: async () => {
      shuttingDown = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await loop.stop();
      await modelSync?.stop();
      await runner.close();
      await database.close();
    },
  };
}
