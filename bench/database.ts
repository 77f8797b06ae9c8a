/** The database of an in-process benchmark: in-memory PGlite, or a PostgreSQL database of its own, dropped after. */
import { openDatabase, type Database } from '../src/db/database.js';
import { createPostgresTestDatabase } from '../test/helpers/database.js';

export async function openBenchDatabase(driver: string, adminUrl: string): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (driver === 'pglite') return { database: await openDatabase({ kind: 'pglite', dataDir: null }), drop: async () => {} };
  if (driver !== 'postgres') throw new Error(`--driver must be pglite or postgres, got "${driver}"`);
  const { url, drop } = await createPostgresTestDatabase(adminUrl, 'parley_bench');
  return { database: await openDatabase({ kind: 'postgres', url }), drop };
}
