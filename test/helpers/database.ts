/**
 * Test databases. With TEST_DATABASE_URL set, each call creates a fresh PostgreSQL database (dropped on close), so
 * concurrent test runs never collide; otherwise an in-memory PGlite. Both get the committed migrations.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/db/database.js';

export const testDatabaseUrl = process.env.TEST_DATABASE_URL;
export const driverName = testDatabaseUrl ? 'postgres' : 'pglite';

export async function openTestDatabase(): Promise<Database> {
  if (!testDatabaseUrl) return openDatabase({ kind: 'pglite', dataDir: null });
  const name = `parley_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(testDatabaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString() });
  return {
    ...database,
    close: async () => {
      await database.close();
      const dropper = postgres(testDatabaseUrl, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}
