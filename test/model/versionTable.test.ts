import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import type { ModelManifest } from '../../src/model/manifest.js';
import { listModelVersionRows, markModelVersionActive, registerModelVersion } from '../../src/model/versionTable.js';

let database: Database;
beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite', dataDir: null });
});
afterAll(() => database.close());

const manifest = (version: string, createdAt: string) => ({ version, createdAt }) as ModelManifest;

describe('model_versions table', () => {
  it('registers versions once and keeps exactly one active', async () => {
    const { db } = database;
    await registerModelVersion(db, manifest('v1', '2026-01-01T00:00:00Z'), 'models/v1');
    await registerModelVersion(db, manifest('v2', '2026-01-02T00:00:00Z'), 'models/v2');
    await registerModelVersion(db, manifest('v1', '2026-03-01T00:00:00Z'), 'elsewhere'); // no effect
    expect(await markModelVersionActive(db, 'v1')).toBe(true);
    expect(await markModelVersionActive(db, 'v2')).toBe(true);
    expect(await markModelVersionActive(db, 'v9')).toBe(false);
    const rows = await listModelVersionRows(db);
    expect(rows.map((r) => [r.version, r.path, r.active])).toEqual([
      ['v2', 'models/v2', true],
      ['v1', 'models/v1', false],
    ]);
    expect(rows[1]!.createdAt).toBe(Date.UTC(2026, 0, 1));
  });
});
