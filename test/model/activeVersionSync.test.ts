/**
 * Activation as a database fact: two registries on one database stand for two service processes (each has its own
 * registry and sync, as src/server.ts wires them). Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { ActiveVersionSync } from '../../src/model/activeVersionSync.js';
import { loadVersion, type LoadedVersion } from '../../src/model/loaded-version.js';
import { ModelRegistry } from '../../src/model/registry.js';
import { activeModelVersion, recordModelActivation } from '../../src/model/versionTable.js';
import { statisticalModels } from '../../src/scheduler/marketEngine.js';
import { driverName, openTestDatabase } from '../helpers/database.js';
import { corruptWeights, writeFixtureVersion } from './fixture.js';
import type { ModelManifest } from '../../src/model/manifest.js';

let database: Database;
let modelsDir: string;
const manifests: Record<string, ModelManifest> = {};

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'parley-sync-'));
  for (const [v, seed] of [['v1', 1], ['v2', 2], ['v3', 3], ['broken', 4]] as const) manifests[v] = await writeFixtureVersion(modelsDir, v, seed);
  await corruptWeights(modelsDir, 'broken');
  database = await openTestDatabase();
}, 60_000);

afterAll(async () => {
  await database?.close();
});

/** One "process": a registry over the shared models folder, its sync on the shared database, and what it logged. */
function serviceProcess(options: { slowLoad?: Promise<void>; now?: () => number } = {}) {
  const loads: string[] = [];
  const logs: { level: string; message: string }[] = [];
  const registry = new ModelRegistry({
    modelsDir,
    fallback: statisticalModels().current(),
    load: async (dir, version): Promise<LoadedVersion> => {
      loads.push(version);
      if (options.slowLoad) await options.slowLoad;
      return loadVersion(dir, version);
    },
  });
  const sync = new ActiveVersionSync({
    db: database.db,
    registry,
    retryRefusedMs: 60_000,
    ...(options.now ? { now: options.now } : {}),
    log: (level, message) => logs.push({ level, message }),
  });
  return { registry, sync, loads, logs };
}

const record = (version: string) => recordModelActivation(database.db, manifests[version]!, join(modelsDir, version));

describe(`activation across processes on ${driverName}`, () => {
  it('changes nothing while the database records no activation', async () => {
    const a = serviceProcess();
    expect(await activeModelVersion(database.db)).toBeNull();
    expect(await a.sync.check()).toBe('unchanged');
    expect(a.registry.activeVersion).toBeNull();
    expect(a.loads).toEqual([]);
  });

  it('swaps the recorded version into every process, once, through the registry', async () => {
    const a = serviceProcess();
    const b = serviceProcess();
    await record('v1');
    expect(await Promise.all([a.sync.check(), b.sync.check()])).toEqual(['activated', 'activated']);
    expect([a.registry.activeVersion, b.registry.activeVersion]).toEqual(['v1', 'v1']);
    expect(await b.sync.check()).toBe('unchanged');
    await record('v2');
    expect(await Promise.all([a.sync.check(), b.sync.check()])).toEqual(['activated', 'activated']);
    expect([a.registry.activeVersion, b.registry.activeVersion]).toEqual(['v2', 'v2']);
    expect(a.loads).toEqual(['v1', 'v2']);
    expect(b.registry.current().version).toBe('v2');
    await Promise.all([a.registry.close(), b.registry.close()]);
  });

  it('refuses a version it cannot load, keeps serving, logs it, and retries only after the back-off', async () => {
    let clock = 1_000_000;
    const a = serviceProcess({ now: () => clock });
    await record('v2');
    expect(await a.sync.check()).toBe('activated');
    await record('broken');
    expect(await a.sync.check()).toBe('refused');
    expect(a.registry.activeVersion).toBe('v2');
    expect(a.logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      expect.stringMatching(/^model broken is active in the database but this process refused it; v2 keeps serving: .*corrupt/),
    ]);
    clock += 30_000;
    expect(await a.sync.check()).toBe('unchanged');
    expect(a.loads).toEqual(['v2', 'broken']);
    clock += 31_000;
    expect(await a.sync.check()).toBe('refused');
    expect(a.loads).toEqual(['v2', 'broken', 'broken']);
    // A new recorded version is tried at once, back-off or not.
    await record('v3');
    expect(await a.sync.check()).toBe('activated');
    expect(a.registry.activeVersion).toBe('v3');
    await a.registry.close();
  });

  it('never undoes an activation this process is recording: the database is read inside the activation queue', async () => {
    let release!: () => void;
    const slowLoad = new Promise<void>((resolve) => (release = resolve));
    const a = serviceProcess({ slowLoad });
    await record('v1');
    // POST /models/v2/activate in this process: swap, then record, inside the queue (src/service/activateModel.ts).
    const activation = a.registry.activate('v2', { onSwapped: (m) => recordModelActivation(database.db, m, join(modelsDir, m.version)) });
    // A sync tick lands while the load is in flight; the database still says v1 at this moment.
    const tick = a.sync.check();
    release();
    await activation;
    expect(await tick).toBe('unchanged');
    expect(a.registry.activeVersion).toBe('v2');
    expect(a.loads).toEqual(['v2']);
    expect(await activeModelVersion(database.db)).toBe('v2');
    await a.registry.close();
  });

  it('reports an unreadable database and keeps serving', async () => {
    const a = serviceProcess();
    await record('v1');
    await a.sync.check();
    const broken = new ActiveVersionSync({
      db: { select: () => { throw new Error('connection refused'); } } as unknown as Database['db'],
      registry: a.registry,
      log: (level, message) => a.logs.push({ level, message }),
    });
    expect(await broken.check()).toBe('unreadable');
    expect(a.registry.activeVersion).toBe('v1');
    expect(a.logs.at(-1)).toEqual({ level: 'warn', message: expect.stringContaining('connection refused') });
    await a.registry.close();
  });
});
