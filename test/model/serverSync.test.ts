/**
 * The server wiring of ActiveVersionSync (src/server.ts): a service serves the version the database records as
 * active before its first round, whatever models/active.json says, and follows a later activation within seconds.
 * On PostgreSQL (TEST_DATABASE_URL) two services share the database, as two processes would; PGlite is
 * single-process, so there one service follows an activation recorded through its own database handle.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { openDatabase } from '../../src/db/database.js';
import { MODEL_SYNC_MS, ModelRegistry, recordModelActivation, writeActivePointer, type ModelManifest } from '../../src/model/index.js';
import { bindMarketEngine, statisticalModels } from '../../src/scheduler/marketEngine.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createPostgresTestDatabase, driverName, testDatabaseUrl } from '../helpers/database.js';
import { writeFixtureVersion } from './fixture.js';

const ADMIN = 'op-test-server-sync-token';
let modelsDir: string;
let env: Record<string, string>;
let drop: (() => Promise<void>) | null = null;
const manifests: Record<string, ModelManifest> = {};
const servers: { server: RunningServer; models: ModelRegistry }[] = [];

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'parley-server-sync-'));
  for (const [v, seed] of [['v1', 1], ['v2', 2], ['v3', 3]] as const) manifests[v] = await writeFixtureVersion(modelsDir, v, seed);
  env = { PORT: '0', PARLEY_ADMIN_TOKEN: ADMIN, PARLEY_DEMO_CLUSTER: 'none', PARLEY_ENGINE_WORKER: '0', PARLEY_MODELS_DIR: modelsDir, PARLEY_ROUND_MS: '60000' };
  if (testDatabaseUrl) {
    const created = await createPostgresTestDatabase(testDatabaseUrl);
    env['DATABASE_URL'] = created.url;
    drop = created.drop;
  } else {
    env['PARLEY_DATA_DIR'] = await mkdtemp(join(tmpdir(), 'parley-server-sync-pglite-'));
  }
  // Before any service starts: active.json names v1, the database records v2 (the database wins).
  await writeActivePointer(modelsDir, 'v1');
  const database = await openDatabase(testDatabaseUrl ? { kind: 'postgres', url: env['DATABASE_URL']! } : { kind: 'pglite', dataDir: env['PARLEY_DATA_DIR']! });
  await recordModelActivation(database.db, manifests['v2']!, join(modelsDir, 'v2'));
  await database.close();
}, 60_000);

afterAll(async () => {
  for (const { server, models } of servers) {
    await server.stop();
    await models.close();
  }
  await drop?.();
});

/** Starts a service as src/main.ts does: the registry serves active.json first, then the server follows the database. */
async function start(): Promise<{ server: RunningServer; models: ModelRegistry }> {
  const config = loadConfig(env);
  const models = new ModelRegistry({ modelsDir, fallback: statisticalModels().current() });
  await models.activateFromPointer();
  const server = await startServer({ config, logger: pino({ level: 'silent' }), engine: bindMarketEngine(), predictions: models, models });
  servers.push({ server, models });
  return { server, models };
}

async function until(what: string, probe: () => boolean, timeoutMs = 5 * MODEL_SYNC_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe(`services follow the recorded activation on ${driverName}`, () => {
  it('serves the recorded version from its first round, and swaps in a later activation within seconds', async () => {
    const a = await start();
    expect(a.models.activeVersion).toBe('v2');
    if (testDatabaseUrl) {
      const b = await start();
      expect(b.models.activeVersion).toBe('v2');
      // The operator activates v3 on service A; service B swaps it in by itself.
      const res = await fetch(`http://127.0.0.1:${a.server.port}/models/v3/activate`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });
      expect(res.status).toBe(200);
      expect(a.models.activeVersion).toBe('v3');
      await until('service B to serve v3', () => b.models.activeVersion === 'v3');
    } else {
      await recordModelActivation(a.server.database.db, manifests['v3']!, join(modelsDir, 'v3'));
      await until('the service to serve v3', () => a.models.activeVersion === 'v3');
    }
  }, 60_000);
});
