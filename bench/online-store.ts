/**
 * The shared online-recalibration update (src/model/versionTable.ts `onlineStateStore().update`, what every process's
 * clearing loop runs before a round in which it counted feedback): one transaction that locks the version's row,
 * adds the process's counts and steps when due. `--writers` loops run at once against the same row, as that many
 * service processes would.
 *
 *   npm run -s bench -- online-store --json [--driver pglite|postgres] [--updates 300] [--writers 1]
 *                                           [--pg postgres://postgres@127.0.0.1:5432/test]
 *
 * On PostgreSQL the benchmark creates a database of its own and drops it at the end. Reports the median and p95 time
 * of one update, and checks that no count was lost.
 */
import { cpus, loadavg } from 'node:os';
import { onlineStateStore } from '../src/model/versionTable.js';
import { advanceState, emptyCounts, initialOnlineState, parseOnlineState, stepSizes, type OnlineCalibrationState } from '../src/model/onlineCalibration.js';
import { OUTPUT_NAMES } from '../src/features/spec.js';
import { flag, option } from './args.js';
import { openBenchDatabase } from './database.js';
import { stats } from './timing.js';

export async function main(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const driver = option(args, 'driver', 'pglite');
  const updates = flag(args, 'updates', 300);
  const writers = Math.max(1, Math.round(flag(args, 'writers', 1)));
  const { database, drop } = await openBenchDatabase(driver, option(args, 'pg', 'postgres://postgres@127.0.0.1:5432/test'));
  try {
    const store = onlineStateStore(database.db, () => Date.now());
    const eta = stepSizes(new Array<number>(OUTPUT_NAMES.length).fill(0.05));
    const counts = emptyCounts();
    counts.samples[1] = 10;
    counts.misses[1] = 1;
    const next = (stored: unknown): OnlineCalibrationState =>
      // Clock 0: the window never falls due, so every update adds its counts and the total is checkable.
      advanceState(parseOnlineState(stored) ?? initialOnlineState(), counts, 0, eta).state;
    await store.update('bench', next); // creates the row, opens the window
    const times: number[] = [];
    const perWriter = Math.ceil(updates / writers);
    await Promise.all(
      Array.from({ length: writers }, async () => {
        for (let i = 0; i < perWriter; i++) {
          const started = performance.now();
          await store.update('bench', next);
          times.push(performance.now() - started);
        }
      }),
    );
    const { medianMs, p95Ms } = stats({ wall: times, cpuMs: 0 });
    const saved = parseOnlineState(await store.load('bench'));
    const result = {
      benchmark: 'online-store',
      date: new Date().toISOString(),
      command: `npm run -s bench -- online-store ${args.join(' ')}`.trim(),
      machine: { cpus: cpus().length, node: process.version, loadAverage: loadavg().map((x) => Number(x.toFixed(2))) },
      driver,
      writers,
      updates: times.length,
      medianMs,
      p95Ms,
      countsKept: saved?.window.samples[1] === (times.length + 1) * 10,
    };
    if (json) console.log(JSON.stringify(result, null, 2));
    else console.log(`${driver}, ${writers} writer(s): ${times.length} updates, median ${result.medianMs} ms, p95 ${result.p95Ms} ms, counts kept: ${result.countsKept}`);
    if (!result.countsKept) process.exitCode = 1;
  } finally {
    await database.close();
    await drop();
  }
}
