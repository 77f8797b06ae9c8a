/**
 * One database type for both drivers: embedded PGlite (the default, data under a local directory) and PostgreSQL
 * through postgres.js when a URL is given. Services only ever see `Db` / `Executor`.
 */
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything a query can run on: the database or an open transaction. */
export type Executor = Db | Tx;

export interface Database {
  db: Db;
  driver: 'pglite' | 'postgres';
  close(): Promise<void>;
}

export type DatabaseTarget = { kind: 'pglite'; dataDir: string | null } | { kind: 'postgres'; url: string };

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/**
 * Opens the database and applies the committed drizzle-kit migrations.
 *
 * PGlite durability: its Node filesystem (`dataDir`) writes through to the host files as PostgreSQL writes them, and
 * we keep PGlite's default `relaxedDurability: false`, so a committed transaction's WAL is in the OS page cache before
 * the call returns and survives `kill -9` of the process. PGlite runs PostgreSQL with fsync off (`-F` in its default
 * start parameters) and Emscripten's NODEFS has no fsync, so an OS crash or power loss may lose the last commits;
 * PostgreSQL via DATABASE_URL is the durable choice for that. `dataDir: null` is an in-memory database (tests).
 */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'pglite') {
    if (target.dataDir !== null) mkdirSync(target.dataDir, { recursive: true });
    const client =
      target.dataDir === null ? await PGlite.create() : await PGlite.create({ dataDir: target.dataDir, relaxedDurability: false });
    const db = drizzlePglite({ client, schema });
    await migratePglite(db, { migrationsFolder });
    return {
      db: db as unknown as Db,
      driver: 'pglite',
      close: () => client.close(),
    };
  }
  // Notices ("relation already exists, skipping") from the migrator are noise in the service log.
  const client = postgres(target.url, { max: 10, onnotice: () => {} });
  const db = drizzlePostgres({ client, schema });
  try {
    await migratePostgres(db, { migrationsFolder });
  } catch (err) {
    await client.end({ timeout: 1 });
    throw err;
  }
  return {
    db: db as unknown as Db,
    driver: 'postgres',
    close: () => client.end({ timeout: 5 }),
  };
}
