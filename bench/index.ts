/**
 * Benchmark dispatcher: `npm run bench -- <name> [args...]` runs `bench/<name>.ts`, whose `main(args)` prints its
 * results (machine-readable with `--json`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [name, ...args] = process.argv.slice(2);
if (name === undefined || !/^[a-z][a-z0-9-]*$/.test(name) || name === 'index') {
  console.error('usage: npm run bench -- <name> [--json]   (runs bench/<name>.ts)');
  process.exit(2);
}
const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
if (!existsSync(file)) {
  console.error(`no benchmark named "${name}" (expected ${file})`);
  process.exit(2);
}
const mod = (await import(file)) as { main?: (args: string[]) => Promise<void> | void };
if (typeof mod.main !== 'function') {
  console.error(`bench/${name}.ts does not export main(args)`);
  process.exit(2);
}
await mod.main(args);
