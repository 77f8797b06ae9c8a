/**
 * Engine benchmark: one clearing round of Parley and of the kube-like baseline on the same synthetic snapshot
 * (default 5,000 nodes, 20,000 running instances, 2,000 pending bids), each timed over several repetitions after a
 * warm-up; the median is reported. Both use the same node sampling (kube's adaptive percentageOfNodesToScore).
 *
 *   npm run bench -- engine --json [--nodes N --running N --pending N --reps N --seed N]
 */
import { performance } from 'node:perf_hooks';
import { clearRound, kubeLikeRound, seededRandom, StatisticalInterferenceModel, StatisticalPredictor } from '../src/market/index.js';
import type { Plan, Snapshot } from '../src/market/index.js';
import { engineScenario } from './engineScenario.js';

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} needs a non-negative number`);
  return v;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(reps: number, run: (rep: number) => Plan): { ms: number; plan: Plan } {
  let plan = run(-1); // warm-up (JIT)
  const ms: number[] = [];
  for (let k = 0; k < reps; k++) {
    const t0 = performance.now();
    plan = run(k);
    ms.push(performance.now() - t0);
  }
  return { ms: median(ms), plan };
}

export async function main(args: string[]): Promise<void> {
  const size = {
    nodes: flag(args, 'nodes', 5000),
    running: flag(args, 'running', 20000),
    pending: flag(args, 'pending', 2000),
    historySamples: flag(args, 'history', 12),
    seed: flag(args, 'seed', 42),
  };
  const reps = Math.max(1, flag(args, 'reps', 5));
  const snapshot = engineScenario(size);

  const parleyRound = (s: Snapshot, k: number) =>
    clearRound(s, {
      predictor: new StatisticalPredictor(),
      interference: new StatisticalInterferenceModel(),
      random: seededRandom(1000 + k),
    });
  const parley = time(reps, (k) => parleyRound(snapshot, k));
  const kube = time(reps, (k) => kubeLikeRound(snapshot, { random: seededRandom(1000 + k) }));
  // The same rounds without pending bids: the per-round fixed cost (prediction of every running instance,
  // aggregates, re-scheduling), so the marginal cost per bid can be told apart from it.
  const idle = { ...snapshot, bids: [] };
  const parleyIdle = time(reps, (k) => parleyRound(idle, k));
  const kubeIdle = time(reps, (k) => kubeLikeRound(idle, { random: seededRandom(1000 + k) }));

  const summary = (r: { ms: number; plan: Plan }) => ({
    roundMs: Number(r.ms.toFixed(1)),
    bidsPerSecond: Math.round(size.pending / (r.ms / 1000)),
    placed: r.plan.placements.length,
    instancesPlaced: r.plan.placements.reduce((a, p) => a + p.nodeIds.length, 0),
    preemptions: r.plan.preemptions.length,
  });
  const p = summary(parley);
  const k = summary(kube);
  const result = {
    nodes: size.nodes,
    running: size.running,
    pending: size.pending,
    reps,
    parley: p,
    kubeLike: k,
    costPerBidRatio: Number((parley.ms / kube.ms).toFixed(2)),
    fixedRoundMs: { parley: Number(parleyIdle.ms.toFixed(1)), kubeLike: Number(kubeIdle.ms.toFixed(1)) },
    marginalCostPerBidRatio: Number(
      (Math.max(0, parley.ms - parleyIdle.ms) / Math.max(1e-9, kube.ms - kubeIdle.ms)).toFixed(2),
    ),
    node: process.version,
  };
  if (args.includes('--json')) console.log(JSON.stringify(result));
  else {
    console.log(`engine round: ${size.nodes} nodes, ${size.running} running, ${size.pending} pending (median of ${reps})`);
    console.log(`  parley:    ${p.roundMs} ms, ${p.bidsPerSecond} bids/s, ${p.placed} placed, ${p.preemptions} preemptions`);
    console.log(`  kube-like: ${k.roundMs} ms, ${k.bidsPerSecond} bids/s, ${k.placed} placed`);
    console.log(`  cost per bid, parley / kube-like: ${result.costPerBidRatio}× (marginal, without the fixed round cost: ${result.marginalCostPerBidRatio}×)`);
  }
}
