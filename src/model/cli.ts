/**
 * Operator CLI for model versions:
 *   npm run models -- list [--models-dir models]
 *   npm run models -- activate <version> [--models-dir models]
 *
 * `activate` loads the version exactly as the server would (manifest validation against this build's feature
 * spec, weights checksum, warm-up) and only then points `models/active.json` at it; a server reads that pointer
 * at start. A version that fails to load leaves the pointer as it was, and the command exits non-zero.
 */
import { parseArgs } from 'node:util';
import { initTfBackend } from './backend.js';
import { loadVersion } from './loaded-version.js';
import { listVersions, readActivePointer, writeActivePointer } from './registry.js';

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
    await writeActivePointer(dir, version);
    console.log(`${version} validated and set active in ${dir}/active.json`);
    return;
  }
  throw new Error('usage: models list | models activate <version>  [--models-dir models]');
}

main().catch((error: unknown) => {
  console.error(`models: ${(error as Error).message}`);
  process.exitCode = 1;
});
