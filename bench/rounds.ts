/**
 * Clearing rounds over a running cluster whose instances report feedback between rounds: what a round costs in its
 * database phases (snapshot, apply) and in prediction when `--reporting` of the `--instances` running instances have
 * new feedback each round, through the service's own functions and clearing loop, in process.
 *
 *   npm run -s bench -- rounds --json [--instances 2000] [--history 60] [--read-samples 60] [--reporting 1] [--rounds 5]
 *                                     [--driver pglite|postgres] [--pg postgres://postgres@127.0.0.1:5432/test]
 *
 * Each instance starts with `--history` samples of feedback (one a minute); rounds and quotes read the last
 * `--read-samples` of them (the service's `historySamples`, default 60).
 * Every reporting instance sends one sample per round (`provideRuntimeFeedback`, one request each), so each round
 * re-predicts it and records its new prediction (applyPlan); `--reporting 0` gives the steady round with nothing new.
 * After each round one client asks for a quote (`POST /quote`'s service function: a what-if round on a snapshot it
 * reads incrementally, src/scheduler/quoteSnapshots.ts), timed as `quote`. The statistical predictor serves (the
 * learned model's cost is `bench model`). On PostgreSQL the benchmark creates a database of its own and drops it at
 * the end. Times are medians over the measured rounds.
 */
import { cpus, loadavg } from 'node:os';
import { pino } from 'pino';
import type { WorkloadProfile } from '../src/market/types.js';
import { ClearingLoop } from '../src/scheduler/loop.js';
import { inlineRoundRunner } from '../src/scheduler/roundRunner.js';
import { bindMarketEngine, statisticalModels } from '../src/scheduler/marketEngine.js';
import { addNode } from '../src/service/addNode.js';
import { noRoundTrigger, randomId, serviceContext } from '../src/service/context.js';
import { createClient } from '../src/service/createClient.js';
import { provideRuntimeFeedback } from '../src/service/provideRuntimeFeedback.js';
import { quote } from '../src/service/quote.js';
import { submitBid } from '../src/service/submitBid.js';
import { submitWorkloadProfile } from '../src/service/submitWorkloadProfile.js';
import { openBenchDatabase } from './database.js';
import { flag, option } from './args.js';
import { median } from './timing.js';

const PROFILE: WorkloadProfile = {
  name: 'bench',
  cpu: { avg: 1, peak: 2 },
  memory: { avg: 1024, peak: 2048 },
  network: { avg: 50, peak: 200 },
  burst: { probability: 0.05, magnitude: { p50: 1.3, p90: 1.8, p99: 2.5 }, durationSeconds: 30 },
  interruptibility: { maxInterruptionsPerDay: 4, maxInterruptionSeconds: 300, minNoticeSeconds: 60 },
  priority: 'normal',
  expectedRuntimeSeconds: 30 * 86_400,
};
const ROUND_MS = 60_000;

/** Median, to 0.1 ms. */
const median1 = (xs: number[]) => Number(median(xs).toFixed(1));

export async function main(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const count = flag(args, 'instances', 2000);
  const reporting = flag(args, 'reporting', 1);
  const rounds = Math.max(1, Math.round(flag(args, 'rounds', 5)));
  const driver = option(args, 'driver', 'pglite');
  const history = Math.round(flag(args, 'history', 60));
  const readSamples = Math.round(flag(args, 'read-samples', 60));
  if (reporting > 1) throw new Error('--reporting is a share of the instances, at most 1');
  const { database, drop } = await openBenchDatabase(driver, option(args, 'pg', 'postgres://postgres@127.0.0.1:5432/test'));
  let t = Date.UTC(2026, 0, 1);
  const clock = { now: () => t };
  const engine = bindMarketEngine();
  const predictions = statisticalModels();
  const runner = inlineRoundRunner(engine);
  const ctx = serviceContext({
    db: database.db,
    clock,
    predictions,
    engine,
    historySamples: readSamples,
    statusCacheMs: 60_000,
    rounds: noRoundTrigger,
    quoteRunner: runner,
  });
  const loop = new ClearingLoop({
    db: database.db,
    clock,
    predictions,
    engine,
    roundMs: ROUND_MS,
    historySamples: readSamples,
    logger: pino({ level: 'silent' }),
    newId: randomId,
    statusCache: ctx.statusCache,
    quoteSnapshots: ctx.quoteSnapshots,
    runner,
  });
  try {
    // 16 cores and 64 GiB per node: room for every instance at its declared peak.
    const nodeCount = Math.ceil(count / 8) + 1;
    for (let i = 0; i < nodeCount; i++) {
      await addNode({ ctx, input: { id: `n-${i}`, cpu: 16, memory: 65_536, network: 10_000, labels: {} } });
    }
    const client = await createClient({ ctx, input: { name: 'bench' } });
    const { profileId } = await submitWorkloadProfile({ ctx, clientId: client.clientId, input: PROFILE });
    for (let left = count; left > 0; left -= 100) {
      const input = { profileId, price: 1, count: Math.min(100, left), uninterruptible: false };
      await submitBid({ ctx, clientId: client.clientId, input, idempotencyKey: undefined });
    }
    const placed = await loop.runRound();
    const ids = (await database.db.query.instances.findMany({ columns: { id: true } })).map((r) => r.id);
    if (ids.length !== count) throw new Error(`placed ${ids.length} of ${count} instances (${placed.plan?.placements.length} bids)`);

    for (const [k, instanceId] of ids.entries()) {
      if (history === 0) break;
      const samples = Array.from({ length: history }, (_, j) => ({
        at: new Date(t - (history - j) * 60_000).toISOString(),
        cpu: 0.6 + ((k + j) % 5) * 0.1,
        memory: 900 + ((k + j) % 7) * 10,
        network: 40 + (j % 3),
      }));
      await provideRuntimeFeedback({ ctx, clientId: client.clientId, input: { instanceId, samples }, idempotencyKey: undefined });
    }

    const reporters = ids.slice(0, Math.round(reporting * ids.length));
    const phases = { snapshot: [] as number[], predict: [] as number[], engine: [] as number[], apply: [] as number[], total: [] as number[], quote: [] as number[] };
    const predicted: number[] = [];
    // One warm-up round (the loop's caches fill), then the measured ones.
    for (let r = -1; r < rounds; r++) {
      t += ROUND_MS;
      for (const [k, instanceId] of reporters.entries()) {
        const sample = { at: new Date(t - 1000).toISOString(), cpu: 0.5 + ((k + r) % 5) * 0.2, memory: 900 + ((k * 7 + r) % 11) * 20, network: 40 + (k % 3) };
        await provideRuntimeFeedback({ ctx, clientId: client.clientId, input: { instanceId, samples: [sample] }, idempotencyKey: undefined });
      }
      const report = await loop.runRound();
      if (r < 0) continue;
      const s = report.timings;
      phases.snapshot.push(s.snapshotMs);
      phases.predict.push(s.predictMs);
      phases.engine.push(s.engineMs);
      phases.apply.push(s.applyMs);
      phases.total.push(s.totalMs);
      predicted.push(s.predicted);
      const asked = performance.now();
      await quote({ ctx, clientId: client.clientId, input: { profileId, price: 1, count: 1, uninterruptible: false } });
      phases.quote.push(performance.now() - asked);
    }
    const result = {
      benchmark: 'rounds',
      date: new Date().toISOString(),
      command: `npm run -s bench -- rounds ${args.join(' ')}`.trim(),
      machine: { cpus: cpus().length, node: process.version, loadAverage: loadavg().map((x) => Number(x.toFixed(2))) },
      driver,
      instances: count,
      historySamples: history,
      readSamples,
      reportingPerRound: reporters.length,
      rounds,
      predictedPerRound: median1(predicted),
      medianMs: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, median1(v)])),
    };
    if (json) console.log(JSON.stringify(result, null, 2));
    else {
      console.log(`${driver}: ${count} running instances, ${reporters.length} reporting per round, ${rounds} rounds`);
      for (const [k, v] of Object.entries(result.medianMs)) console.log(`  ${k.padEnd(8)} ${v} ms`);
    }
  } finally {
    await database.close();
    await drop();
  }
}
