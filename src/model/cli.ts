/**
 * Operator CLI for model versions:
 *   npm run models -- list [--models-dir models]
 *   npm run models -- activate <version> [--models-dir models]
 *
 * `activate` loads the version exactly as the server would (manifest validation against this build's feature
 * spec, weights checksum, warm-up) and only then records it: the service database's `model_versions` row
 * (DATABASE_URL, else the PGlite folder PARLEY_DATA_DIR, as `npm start` opens it), which every running service on
 * that database swaps in within seconds (src/model/activeVersionSync.ts), and `models/active.json`, what a service
 * without a recorded activation serves at start. A version that fails to load changes nothing, and the command exits
 * non-zero. PGlite is single-process: stop a PGlite service first (or use POST /models/{version}/activate).
 */
import { parseArgs } from 'node:util';
import { initTfBackend } from './backend.js';
import { loadVersion } from './loaded-version.js';
import { join } from 'node:path';
import { listVersions, readActivePointer, writeActivePointer } from './registry.js';
import { openServiceDatabase } from './serviceDatabase.js';
import { recordModelActivation } from './versionTable.js';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'models-dir': { type: 'string', default: 'models' } },
  });
  const dir = values['models-dir'];
  const [command, version] = positionals;
  if (command === 'list') {
    const active = await readActivePointer(dir);
    for (const v of await listVersions(dir, active)) {
      console.log(`${v.active ? '*' : ' '} ${v.version}  ${v.createdAt ?? '?'}  ${v.problem ? `UNUSABLE: ${v.problem}` : 'ok'}`);
    }
    return;
  }
  if (command === 'activate' && version) {
    await initTfBackend();
    const loaded = await loadVersion(dir, version);
    loaded.dispose();
    const database = await openServiceDatabase();
    try {
      await recordModelActivation(database.db, loaded.manifest, join(dir, version));
    } finally {
      await database.close();
    }
    await writeActivePointer(dir, version);
    console.log(`${version} validated and set active in model_versions (${database.driver}) and ${dir}/active.json; running services swap it in within seconds`);
    return;
  }
  throw new Error('usage: models list | models activate <version>  [--models-dir models]');
}

main().catch((error: unknown) => {
  console.error(`models: ${(error as Error).message}`);
  process.exitCode = 1;
});
