/**
 * Engine benchmark: one clearing round of Parley and of the kube-like baseline on the same synthetic snapshot
 * (default 5,000 nodes, 20,000 running instances, 2,000 pending bids), each timed over several repetitions after
 * warm-up rounds, interleaved; medians of wall and CPU time are reported. Both use the same node sampling (kube's adaptive percentageOfNodesToScore).
 *
 *   npm run bench -- engine --json [--nodes N --running N --pending N --reps N --warmup N --seed N]
 *                                  [--interference statistical|learned --models-dir models]
 *
 * `quoteMs` is the median time of a what-if quote (`POST /quote`'s engine call) for one more bid on the same snapshot.
 *
 * `--interference learned` runs Parley with the active model version's learned interference head, as the service
 * serves it (a network pass per co-runner, placement on a shortlist: EngineConfig.interferenceShortlist) instead of
 * the statistical model (O(1) per node from aggregates). Utilization predictions are the statistical predictor's in
 * both: the service predicts before the round, and `npm run bench -- model` times that.
 */
import { performance } from 'node:perf_hooks';
import { clearRound, kubeLikeRound, quote, seededRandom, StatisticalInterferenceModel, StatisticalPredictor } from '../src/market/index.js';
import type { Plan, Snapshot } from '../src/market/index.js';
import type { InterferenceModel } from '../src/market/index.js';
import { loadVersion } from '../src/model/loaded-version.js';
import { readActivePointer } from '../src/model/registry.js';
import { engineScenario } from './engineScenario.js';
import { flag, option } from './args.js';
import { median } from './timing.js';

/** The interference model Parley runs with: the statistical one, or the active version's learned head. */
async function interferenceFor(kind: string, modelsDir: string): Promise<{ model: InterferenceModel; version: string | null }> {
  if (kind === 'statistical') return { model: new StatisticalInterferenceModel(), version: null };
  if (kind !== 'learned') throw new Error(`--interference must be statistical or learned, not ${kind}`);
  const version = await readActivePointer(modelsDir);
  if (version === null) throw new Error(`no active model version in ${modelsDir}`);
  const loaded = await loadVersion(modelsDir, version);
  if (loaded.interference.version === null) throw new Error(`model ${version} does not serve its interference head`);
  return { model: loaded.interference, version };
}

/** Ratio of marginal costs, or null when the baseline's marginal cost is within noise of zero (no meaningful ratio). */
function marginalRatio(parley: number, kube: number): number | null {
  return kube > 1 ? Number((Math.max(0, parley) / kube).toFixed(2)) : null;
}

/** Process CPU time in ms. */
function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Timing {
  ms: number[];
  cpuMs: number[];
  plan: Plan | null;
}

/**
 * Runs every contender once per repetition, interleaved (so load from other processes on this shared machine, and
 * garbage collection debt, fall on all of them alike), after `warmup` interleaved untimed rounds each: a scheduler
 * runs a round every second, so what matters is the round once V8 has optimized it, which takes both engines about
 * three rounds here (one warm-up left a JIT-cold round or two in the median of five). No forced GC between
 * runs: a full GC shrinks V8's young generation, which penalizes whichever engine allocates more in a way a long-running
 * scheduler never sees. Reports medians of wall time and of process CPU time: wall
 * time includes waiting for a core, CPU time does not (it does include V8's GC helper threads).
 */
function timeAll(
  reps: number,
  warmup: number,
  contenders: Record<string, (rep: number) => Plan>,
): Record<string, { ms: number; cpuMs: number; plan: Plan }> {
  const timings: Record<string, Timing> = {};
  for (const name of Object.keys(contenders)) timings[name] = { ms: [], cpuMs: [], plan: null };
  for (let k = -warmup; k < 0; k++) for (const run of Object.values(contenders)) run(k);
  for (let k = 0; k < reps; k++) {
    for (const [name, run] of Object.entries(contenders)) {
      const t0 = performance.now();
      const c0 = cpuNow();
      const plan = run(k);
      const c1 = cpuNow();
      const t1 = performance.now();
      const t = timings[name]!;
      t.ms.push(t1 - t0);
      t.cpuMs.push(c1 - c0);
      t.plan = plan;
    }
  }
  const out: Record<string, { ms: number; cpuMs: number; plan: Plan }> = {};
  for (const [name, t] of Object.entries(timings)) out[name] = { ms: median(t.ms), cpuMs: median(t.cpuMs), plan: t.plan! };
  return out;
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
  const warmup = Math.max(1, flag(args, 'warmup', 3));
  const snapshot = engineScenario(size);
  const interference = await interferenceFor(option(args, 'interference', 'statistical'), option(args, 'models-dir', 'models'));

  const parleyRound = (s: Snapshot, k: number) =>
    clearRound(s, {
      predictor: new StatisticalPredictor(),
      interference: interference.model,
      random: seededRandom(1000 + k),
    });
  // The same rounds without pending bids give the per-round fixed cost (prediction of every running instance,
  // aggregates, re-scheduling), so the marginal cost per bid can be told apart from it.
  const idle = { ...snapshot, bids: [] };
  const r = timeAll(reps, warmup, {
    parley: (k) => parleyRound(snapshot, k),
    kube: (k) => kubeLikeRound(snapshot, { random: seededRandom(1000 + k) }),
    parleyIdle: (k) => parleyRound(idle, k),
    kubeIdle: (k) => kubeLikeRound(idle, { random: seededRandom(1000 + k) }),
  });
  const parley = r.parley!;
  const kube = r.kube!;
  // A what-if quote for one more bid on the same snapshot: the round again with that bid, plus the start estimate.
  // The service runs it in the round worker, predicted through the rounds' cache; here it predicts afresh, as above.
  const quoteMs: number[] = [];
  const quoted = snapshot.bids[0]?.profile ?? snapshot.instances[0]!.profile;
  for (let k = 0; k < warmup + reps; k++) {
    const started = performance.now();
    quote(snapshot, quoted, { clientId: 'bench', price: 1, count: 1, uninterruptible: false }, {
      predictor: new StatisticalPredictor(),
      interference: interference.model,
      random: seededRandom(2000 + k),
    });
    if (k >= warmup) quoteMs.push(performance.now() - started);
  }
  quoteMs.sort((a, b) => a - b);
  const parleyIdle = r.parleyIdle!;
  const kubeIdle = r.kubeIdle!;

  const summary = (r: { ms: number; cpuMs: number; plan: Plan }) => ({
    roundMs: Number(r.ms.toFixed(1)),
    cpuMs: Number(r.cpuMs.toFixed(1)),
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
    interference: interference.version === null ? 'statistical' : { learned: interference.version },
    reps,
    warmup,
    parley: p,
    kubeLike: k,
    costPerBidRatio: Number((parley.ms / kube.ms).toFixed(2)),
    cpuCostPerBidRatio: Number((parley.cpuMs / kube.cpuMs).toFixed(2)),
    fixedRoundMs: { parley: Number(parleyIdle.ms.toFixed(1)), kubeLike: Number(kubeIdle.ms.toFixed(1)) },
    fixedCpuMs: { parley: Number(parleyIdle.cpuMs.toFixed(1)), kubeLike: Number(kubeIdle.cpuMs.toFixed(1)) },
    marginalCostPerBidRatio: marginalRatio(parley.ms - parleyIdle.ms, kube.ms - kubeIdle.ms),
    marginalCpuCostPerBidRatio: marginalRatio(parley.cpuMs - parleyIdle.cpuMs, kube.cpuMs - kubeIdle.cpuMs),
    quoteMs: Number(quoteMs[Math.floor(quoteMs.length / 2)]!.toFixed(1)),
    node: process.version,
  };
  if (args.includes('--json')) console.log(JSON.stringify(result));
  else {
    console.log(`engine round: ${size.nodes} nodes, ${size.running} running, ${size.pending} pending (median of ${reps})`);
    console.log(`  parley:    ${p.roundMs} ms (cpu ${p.cpuMs} ms), ${p.bidsPerSecond} bids/s, ${p.placed} placed, ${p.preemptions} preemptions`);
    console.log(`  quote:     ${result.quoteMs} ms (one more bid, what-if)`);
    console.log(`  kube-like: ${k.roundMs} ms (cpu ${k.cpuMs} ms), ${k.bidsPerSecond} bids/s, ${k.placed} placed`);
    console.log(`  cost per bid, parley / kube-like: ${result.costPerBidRatio}× (marginal, without the fixed round cost: ${result.marginalCostPerBidRatio}×)`);
  }
}
