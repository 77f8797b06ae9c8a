/**
 * `npm run models -- activate <version>` as an operator runs it (a child process): it records the activation in the
 * service database (PGlite folder PARLEY_DATA_DIR, or the PostgreSQL database of DATABASE_URL when
 * TEST_DATABASE_URL is set), where running services pick it up, and points models/active.json at it. A version
 * that does not load changes neither.
 */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type DatabaseTarget } from '../../src/db/database.js';
import { activeModelVersion, listModelVersionRows, readActivePointer } from '../../src/model/index.js';
import { createPostgresTestDatabase, driverName, testDatabaseUrl } from '../helpers/database.js';
import { corruptWeights, writeFixtureVersion } from './fixture.js';

const run = promisify(execFile);
let modelsDir: string;
let env: Record<string, string>;
let target: DatabaseTarget;
let dropDatabase: (() => Promise<void>) | null = null;

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'parley-cli-models-'));
  await writeFixtureVersion(modelsDir, 'v1', 1);
  await writeFixtureVersion(modelsDir, 'v2', 2);
  await writeFixtureVersion(modelsDir, 'broken', 3);
  await corruptWeights(modelsDir, 'broken');
  const base = { ...process.env, LOG_LEVEL: 'silent' } as Record<string, string>;
  delete base['DATABASE_URL'];
  if (testDatabaseUrl) {
    const created = await createPostgresTestDatabase(testDatabaseUrl);
    target = { kind: 'postgres', url: created.url };
    env = { ...base, DATABASE_URL: created.url };
    dropDatabase = created.drop;
  } else {
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-cli-pglite-'));
    target = { kind: 'pglite', dataDir };
    env = { ...base, PARLEY_DATA_DIR: dataDir };
  }
}, 60_000);

afterAll(async () => {
  await dropDatabase?.();
});

const activate = (version: string) =>
  run('npx', ['tsx', 'src/model/cli.ts', 'activate', version, '--models-dir', modelsDir], { env, timeout: 60_000 });

/** Opens the database between CLI runs only (PGlite is single-process). */
async function recorded(): Promise<{ active: string | null; rows: [string, boolean][] }> {
  const database: Database = await openDatabase(target);
  try {
    return {
      active: await activeModelVersion(database.db),
      rows: (await listModelVersionRows(database.db)).map((r) => [r.version, r.active]),
    };
  } finally {
    await database.close();
  }
}

describe(`models activate on ${driverName}`, () => {
  it('records the activation in model_versions and active.json; a broken version changes neither', async () => {
    const first = await activate('v1');
    expect(first.stdout).toContain('v1 validated and set active in model_versions');
    expect(await recorded()).toEqual({ active: 'v1', rows: [['v1', true]] });
    expect(await readActivePointer(modelsDir)).toBe('v1');

    await activate('v2');
    expect(await recorded()).toEqual({ active: 'v2', rows: [['v2', true], ['v1', false]] });
    expect(await readActivePointer(modelsDir)).toBe('v2');

    const refused = await activate('broken').then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toMatch(/models: .*weights are corrupt/);
    expect(await recorded()).toEqual({ active: 'v2', rows: [['v2', true], ['v1', false]] });
    expect(await readActivePointer(modelsDir)).toBe('v2');
  }, 120_000);
});
