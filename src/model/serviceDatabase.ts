import { loadConfig } from '../config/index.js';
import { openDatabase, type Database } from '../db/database.js';

/**
 * The service's database, opened as `npm start` opens it: DATABASE_URL when set, else the PGlite folder
 * PARLEY_DATA_DIR (default `.data/pglite`). For the offline tools (`models activate`, `train --from-db`). PGlite is
 * single-process: a PGlite service must be stopped first; PostgreSQL is shared with running services.
 */
export async function openServiceDatabase(): Promise<Database> {
  const config = loadConfig();
  return openDatabase(config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dataDir: config.dataDir });
}
