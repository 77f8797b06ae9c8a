/**
 * `npm run bench -- model [--json] [--models-dir models] [--version v] [--batch 2000] [--rounds 30]`
 *
 * Times the learned predictor on one clearing round's batch: 2,000 new bids (declared profile, no history, the
 * issue's case) and 2,000 running instances with 24 hours of 5-minute history, each as one batched call
 * (feature extraction + one tfjs inference + scaling), plus 2,000 instances with 60 samples (the service's default
 * `historySamples`). Also times single interference estimates. Reports the
 * median and p95 over `rounds` timed rounds after 3 warm-up rounds, and the process CPU time per round (tfjs's wasm
 * backend may use a second thread, so CPU can exceed wall time; on a shared machine CPU is the steadier figure).
 */
import { parseArgs } from 'node:util';
import { initTfBackend } from '../src/model/backend.js';
import { loadVersion } from '../src/model/loaded-version.js';
import { readActivePointer } from '../src/model/registry.js';
import { stats, time } from './timing.js';
import type { DemandView, FeedbackSample, PredictorInput, WorkloadProfile } from '../src/market/types.js';

function profile(i: number): WorkloadProfile {
  const cores = 1 + (i % 16);
  return {
    name: `bench-${i}`,
    cpu: { avg: cores * 0.3, peak: cores },
    memory: { avg: cores * 1024, peak: cores * 4096 },
    network: { avg: 5 + (i % 7), peak: 50 + (i % 50) },
    burst: { probability: 0.01, magnitude: { p50: 1.5, p90: 2, p99: 3 }, durationSeconds: 300 },
    interruptibility: { maxInterruptionsPerDay: 2, maxInterruptionSeconds: 600, minNoticeSeconds: 120 },
    priority: 'normal',
    expectedRuntimeSeconds: 86_400,
  };
}

/** `length` 5-minute samples ending at `now`: 288 is a day; 60 is what the service passes by default. */
function history(i: number, now: number, length: number): FeedbackSample[] {
  return Array.from({ length }, (_, k) => ({
    at: now - (length - k) * 300_000,
    cpu: (1 + (i % 16)) * (0.3 + 0.2 * Math.sin((k + i) / 20)),
    memory: 1024 + ((k * 37 + i) % 500),
    network: 5 + ((k + i) % 11),
  }));
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      'models-dir': { type: 'string', default: 'models' },
      version: { type: 'string' },
      batch: { type: 'string', default: '2000' },
      rounds: { type: 'string', default: '30' },
    },
  });
  const backend = await initTfBackend(() => {});
  const version = values.version ?? (await readActivePointer(values['models-dir']));
  if (!version) throw new Error(`no --version and no ${values['models-dir']}/active.json`);
  const loaded = await loadVersion(values['models-dir'], version);
  const batch = Number(values.batch);
  const rounds = Number(values.rounds);
  const now = Date.UTC(2026, 0, 1);
  const newBids: PredictorInput[] = Array.from({ length: batch }, (_, i) => ({ profile: profile(i), history: [] }));
  const running: PredictorInput[] = Array.from({ length: batch }, (_, i) => ({ profile: profile(i), history: history(i, now, 288) }));
  const serviceDefault: PredictorInput[] = Array.from({ length: batch }, (_, i) => ({ profile: profile(i), history: history(i, now, 60) }));
  const newBidTimes = time(rounds, () => loaded.predictor.predict(newBids));
  const serviceTimes = time(rounds, () => loaded.predictor.predict(serviceDefault));
  const runningTimes = time(rounds, () => loaded.predictor.predict(running));

  const predictions = loaded.predictor.predict(newBids.slice(0, 9));
  const views: DemandView[] = predictions.map((prediction, i) => ({ id: `w${i}`, profile: newBids[i]!.profile, prediction }));
  const node = { id: 'n', cpu: 32, memory: 131_072, network: 10_000 };
  const estimates = 1000;
  const interferenceTimes = time(rounds, () => {
    for (let i = 0; i < estimates; i++) loaded.interference.estimate(views[0]!, node, views.slice(1, 1 + (i % 8)));
  });
  loaded.dispose();

  const result = {
    benchmark: 'model',
    version,
    backend,
    batch,
    rounds,
    newBids: stats(newBidTimes),
    runningWith60Samples: stats(serviceTimes),
    runningWith24hHistory: stats(runningTimes),
    interference: { estimatesPerRound: estimates, ...stats(interferenceTimes) },
    targetMs: 20,
  };
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`model ${version} on ${backend}, batch ${batch}, ${rounds} rounds`);
    console.log(`  new bids (no history):      median ${result.newBids.medianMs} ms, p95 ${result.newBids.p95Ms} ms`);
    console.log(`  running (60 samples):       median ${result.runningWith60Samples.medianMs} ms, p95 ${result.runningWith60Samples.p95Ms} ms`);
    console.log(`  running (24 h history):     median ${result.runningWith24hHistory.medianMs} ms, p95 ${result.runningWith24hHistory.p95Ms} ms`);
    console.log(`  ${estimates} interference estimates: median ${result.interference.medianMs} ms`);
  }
}
