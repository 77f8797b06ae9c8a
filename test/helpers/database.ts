/**
 * Test databases. With TEST_DATABASE_URL set, each call creates a fresh PostgreSQL database (dropped on close), so
 * concurrent test runs never collide; otherwise an in-memory PGlite. Both get the committed migrations.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/db/database.js';

export const testDatabaseUrl = process.env.TEST_DATABASE_URL;
export const driverName = testDatabaseUrl ? 'postgres' : 'pglite';

/**
 * A fresh, empty PostgreSQL database on the `adminUrl` server (TEST_DATABASE_URL in tests), for tests and benchmarks
 * that hand a URL to something that opens it itself (a child process, a server); `drop` removes it.
 */
export async function createPostgresTestDatabase(adminUrl: string, prefix = 'parley_test'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

export async function openTestDatabase(): Promise<Database> {
  if (!testDatabaseUrl) return openDatabase({ kind: 'pglite', dataDir: null });
  const { url, drop } = await createPostgresTestDatabase(testDatabaseUrl);
  const database = await openDatabase({ kind: 'postgres', url });
  return {
    ...database,
    close: async () => {
      await database.close();
      await drop();
    },
  };
}
