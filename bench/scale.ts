/**
 * Scale benchmark: one Parley clearing round (and the kube-like round on the same snapshot) at 500, 5,000 and
 * 15,000 nodes, on a cluster state built from the simulator's trace-derived workloads (declared profiles from real
 * Bitbrains/PlanetLab VMs, feedback history from their true usage). Each size is timed with and without the pending
 * bids (median of `--reps` after a warm-up), so the fixed cost of a round (predicting and re-checking every running
 * instance) is told apart from the marginal cost per bid.
 *
 *   npm run bench -- scale --json [--sizes 500,5000,15000 --per-node 4 --pending 1000 --reps 3]
 */
import { performance } from 'node:perf_hooks';
import {
  clearRound,
  kubeLikeRound,
  seededRandom,
  StatisticalInterferenceModel,
  StatisticalPredictor,
  type Plan,
  type Snapshot,
} from '../src/market/index.js';
import { loadScenario } from '../src/sim/scenario.js';
import { loadTraceLibrary } from '../src/sim/traceLibrary.js';
import { scaleSnapshot } from './scaleSnapshot.js';
import { option } from './args.js';

function positiveInt(text: string, name: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} needs a positive integer, got "${text}"`);
  return v;
}

function medianMs(reps: number, run: (k: number) => Plan): { ms: number; plan: Plan } {
  let plan = run(-1);
  const times: number[] = [];
  for (let k = 0; k < reps; k++) {
    const t0 = performance.now();
    plan = run(k);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, plan };
}

const parleyRound = (s: Snapshot, k: number) =>
  clearRound(s, { predictor: new StatisticalPredictor(), interference: new StatisticalInterferenceModel(), random: seededRandom(1000 + k) });
const kubeRound = (s: Snapshot, k: number) => kubeLikeRound(s, { preemption: true, random: seededRandom(1000 + k) });

export async function main(args: string[]): Promise<void> {
  const sizes = option(args, 'sizes', '500,5000,15000').split(',').map((s) => positiveInt(s, 'sizes'));
  const perNode = positiveInt(option(args, 'per-node', '4'), 'per-node');
  const pending = positiveInt(option(args, 'pending', '1000'), 'pending');
  const reps = positiveInt(option(args, 'reps', '3'), 'reps');
  const scenario = loadScenario(option(args, 'config', 'config/sim-default.json'));
  const library = await loadTraceLibrary(scenario);
  const rows = [];
  for (const nodes of sizes) {
    const snapshot = scaleSnapshot(scenario, library, { nodes, running: nodes * perNode, pending });
    const idle = { ...snapshot, bids: [] };
    const parley = medianMs(reps, (k) => parleyRound(snapshot, k));
    const parleyIdle = medianMs(reps, (k) => parleyRound(idle, k));
    const kube = medianMs(reps, (k) => kubeRound(snapshot, k));
    const kubeIdle = medianMs(reps, (k) => kubeRound(idle, k));
    const summary = (full: { ms: number; plan: Plan }, fixed: { ms: number }) => ({
      roundMs: Number(full.ms.toFixed(1)),
      fixedRoundMs: Number(fixed.ms.toFixed(1)),
      marginalMsPerBid: Number((Math.max(0, full.ms - fixed.ms) / pending).toFixed(3)),
      msPerBid: Number((full.ms / pending).toFixed(3)),
      placed: full.plan.placements.length,
      preemptions: full.plan.preemptions.length,
    });
    rows.push({ nodes, running: snapshot.instances.length, pending, parley: summary(parley, parleyIdle), kubeLike: summary(kube, kubeIdle) });
  }
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const result = {
    benchmark: 'scale',
    perNode,
    pending,
    reps,
    rows,
    // How much a bid's marginal cost grows from the smallest to the largest cluster, against the node-count growth.
    marginalCostGrowth: Number((last.parley.marginalMsPerBid / Math.max(1e-9, first.parley.marginalMsPerBid)).toFixed(2)),
    nodeGrowth: last.nodes / first.nodes,
  };
  if (args.includes('--json')) {
    console.log(JSON.stringify(result));
    return;
  }
  for (const r of rows) {
    console.log(
      `${r.nodes} nodes, ${r.running} running, ${r.pending} bids: parley ${r.parley.roundMs} ms (fixed ${r.parley.fixedRoundMs}, ` +
        `${r.parley.marginalMsPerBid} ms/bid marginal); kubeLike ${r.kubeLike.roundMs} ms (${r.kubeLike.marginalMsPerBid} ms/bid)`,
    );
  }
}
