/**
 * The statistical InterferenceModel: pressure components from the node's summed demand, turned into slowdowns with
 * linear sensitivities (Paragon-style, Delimitrou & Kozyrakis, ASPLOS 2013: slowdown = 1 + Σ sensitivityₖ · pressureₖ).
 * Co-runners slow each other down well below saturation (shared last-level cache, memory bandwidth, queueing for
 * cores and links), not only when summed demand exceeds capacity, so besides the overflow probability the model has
 * three sub-saturation terms. With ρ_r = Σ predicted mean_r / capacity_r:
 *
 *   contention        = 1 − Π_r (1 − P(Σ demand_r > capacity_r)), Gaussian sums over candidate + co-runners
 *   cacheThrashing    = min(1, Σ co-runner predicted memory mean / node memory)  (active memory share of others)
 *   networkCongestion = clamp((Σ network p99 / bandwidth − knee) / (1 − knee), 0, 1), knee = 0.5
 *   memoryBandwidth   = min(1, ρ_cpu of the co-runners): every busy co-runner core issues cache and DRAM traffic;
 *                       measured co-location slowdowns grow about linearly with this pressure (Mars et al., Bubble-Up,
 *                       MICRO 2011; Tang et al., ISCA 2011: 10-30% for memory-sensitive datacenter workloads)
 *   cpuQueueing       = ρ^(√(2(c+1)) − 1) / (c (1 − ρ)), ρ = min(ρ_cpu, 0.95), c = node cores: the mean wait of an
 *                       M/M/c queue relative to the service time (Sakasegawa's approximation, 1977), negligible at
 *                       half load and steep near saturation
 *   networkQueueing   = ρ / (1 − ρ), ρ = min(ρ_network, 0.95): the M/M/1 mean queueing delay of a shared link
 *                       relative to transmission time (Kleinrock), capped since the link's own overflow is
 *                       `contention`'s business
 *
 *   candidateSlowdown = 1 + a·contention + b·cacheThrashing + c·networkCongestion + d·memoryBandwidth
 *                         + e·(cpuQueueing − cpuQueueing alone) + f·(networkQueueing − networkQueueing alone)
 *   added to each co-runner = the same terms' increase when the candidate joins (its own memory share and CPU share
 *                         for b and d).
 * Defaults a = 0.5, b = 0.25, c = 0.25 (a node saturated on every axis at most doubles a runtime, contention weighing
 * most), d = 0.2 (Bubble-Up's and Tang et al.'s typical 10-30% at full memory-subsystem pressure), e = 0.5, f = 0.05
 * (a network-bound share of runtime of about 5% for the Bitbrains-like VMs the simulator replays). d, e and f were
 * then checked against the simulator's outcomes (QoS violation hours, welfare), never against its ground-truth
 * parameters; see docs/market.md. All are constructor options.
 */
import type {
  DemandMoments,
  DemandView,
  InterferenceEstimate,
  InterferenceModel,
  LoadInterferenceEstimate,
  NodeCapacity,
  NodeLoad,
} from './types.js';
import { overflowProbability } from './chance.js';
import { addDemand, demandMoments, emptyLoad } from './moments.js';
import { newLoadEstimate } from './loadEstimate.js';

export interface InterferenceSensitivities {
  contention: number;
  cacheThrashing: number;
  networkCongestion: number;
  /** Network load ratio where congestion starts. */
  networkKnee: number;
  memoryBandwidth: number;
  cpuQueueing: number;
  networkQueueing: number;
}

const DEFAULTS: InterferenceSensitivities = {
  contention: 0.5,
  cacheThrashing: 0.25,
  networkCongestion: 0.25,
  networkKnee: 0.5,
  memoryBandwidth: 0.2,
  cpuQueueing: 0.5,
  networkQueueing: 0.05,
};

/** Utilization cap of the queueing terms: 1/(1 − ρ) is finite and saturation itself is `contention`'s. */
const RHO_MAX = 0.95;

export class StatisticalInterferenceModel implements InterferenceModel {
  readonly version = null;
  private readonly s: InterferenceSensitivities;
  /** Scratch for `slowdownLowerBound`, the batched bound on one node. */
  private readonly one = { nodes: [] as NodeCapacity[], loads: [] as NodeLoad[], idx: new Int32Array(1), out: new Float64Array(1) };

  constructor(sensitivities: Partial<InterferenceSensitivities> = {}) {
    this.s = { ...DEFAULTS, ...sensitivities };
    if (!(this.s.networkKnee >= 0 && this.s.networkKnee < 1)) {
      throw new RangeError('StatisticalInterferenceModel: networkKnee must be in [0, 1)');
    }
    for (const [k, v] of Object.entries(this.s)) {
      if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`StatisticalInterferenceModel: ${k} must be a finite number ≥ 0`);
    }
  }

  /** The resolved sensitivities: with them a copy of this model can be built elsewhere (e.g. in a worker thread). */
  get sensitivities(): InterferenceSensitivities {
    return { ...this.s };
  }

  estimate(candidate: DemandView, node: NodeCapacity, coRunners: readonly DemandView[]): InterferenceEstimate {
    const load = emptyLoad();
    for (const c of coRunners) addDemand(load, demandMoments(c.prediction, c.profile), 1);
    const agg = this.estimateLoad(demandMoments(candidate.prediction, candidate.profile), node, load);
    const each = coRunners.length === 0 ? 0 : agg.totalAddedSlowdown / coRunners.length;
    return {
      candidateSlowdown: agg.candidateSlowdown,
      addedSlowdown: coRunners.map(() => each),
      components: agg.components,
    };
  }

  estimateLoad(
    candidate: DemandMoments,
    node: NodeCapacity,
    load: NodeLoad,
    into?: LoadInterferenceEstimate,
  ): LoadInterferenceEstimate {
    const out = into ?? newLoadEstimate();
    const { s } = this;
    const withC = contention(load, candidate, node);
    // Removing the candidate only lowers every mean, so a negligible contention with it is negligible without it.
    const without = load.count === 0 || withC < 1e-12 ? 0 : contention(load, null, node);
    const cacheThrashing = node.memory > 0 ? Math.min(1, load.memoryMean / node.memory) : 0;
    const congestionWith = this.congestion(load.networkP99 + candidate.networkP99, node.network);
    const congestionWithout = this.congestion(load.networkP99, node.network);
    const bandwidth = share(load.cpuMean, node.cpu);
    // Queueing relative to running alone: the candidate's own load queues on an empty node too.
    // The queueing terms grow with ρ, so when the term with the candidate is negligible (below 1e-6, most nodes in a
    // round) the terms alone and without the candidate are too: skip their Math.pow (this runs per (bid, node)).
    const cpuQueueWith = cpuQueueing(load.cpuMean + candidate.cpuMean, node.cpu);
    const cpuTiny = cpuQueueWith < 1e-6;
    const netQueueWith = linkQueueing(load.networkMean + candidate.networkMean, node.network);
    const cpuQueueAlone = load.count === 0 || cpuTiny ? cpuQueueWith : cpuQueueing(candidate.cpuMean, node.cpu);
    const cpuQueueWithout = cpuTiny ? 0 : cpuQueueing(load.cpuMean, node.cpu);
    const netQueueAlone = load.count === 0 ? netQueueWith : linkQueueing(candidate.networkMean, node.network);
    const candidateSlowdown =
      1 +
      s.contention * withC +
      s.cacheThrashing * cacheThrashing +
      s.networkCongestion * congestionWith +
      s.memoryBandwidth * bandwidth +
      s.cpuQueueing * Math.max(0, cpuQueueWith - cpuQueueAlone) +
      s.networkQueueing * Math.max(0, netQueueWith - netQueueAlone);
    const candidateCacheShare = node.memory > 0 ? Math.min(1, candidate.memoryMean / node.memory) : 0;
    const addedEach =
      s.contention * Math.max(0, withC - without) +
      s.cacheThrashing * candidateCacheShare +
      s.networkCongestion * Math.max(0, congestionWith - congestionWithout) +
      s.memoryBandwidth * share(candidate.cpuMean, node.cpu) +
      s.cpuQueueing * Math.max(0, cpuQueueWith - cpuQueueWithout) +
      s.networkQueueing * Math.max(0, netQueueWith - linkQueueing(load.networkMean, node.network));
    out.candidateSlowdown = candidateSlowdown;
    out.totalAddedSlowdown = addedEach * load.count;
    out.tailSlowdown = 0;
    out.components.contention = withC;
    out.components.cacheThrashing = cacheThrashing;
    out.components.networkCongestion = congestionWith;
    return out;
  }

  /**
   * Everything in (candidateSlowdown − 1) + totalAddedSlowdown except the contention and CPU queueing terms, which
   * are ≥ 0 (and need a normal CDF or a Math.pow):
   *     b·cacheThrashing + c·congestion + d·memoryBandwidth + f·(networkQueueing − networkQueueing alone)⁺
   *   + count · (b·candidate memory share + c·Δcongestion + d·candidate CPU share + f·ΔnetworkQueueing⁺)
   * less a margin of 1e-12 · (1 + bound), far above the rounding of summing the same terms in another order, so it
   * never exceeds what estimateLoad gives. The one formula is in `slowdownLowerBounds`.
   */
  slowdownLowerBound(candidate: DemandMoments, node: NodeCapacity, load: NodeLoad): number {
    const one = this.one;
    one.nodes[0] = node;
    one.loads[0] = load;
    this.slowdownLowerBounds(candidate, one.nodes, one.loads, one.idx, 1, one.out);
    return one.out[0]!;
  }

  /**
   * `slowdownLowerBound` for many nodes in one call. Node selection calls it once per scan for the few hundred
   * feasible nodes it visits, so the formula is written out in the loop: no helper call per node, whose double
   * result V8 would box on the heap whenever it did not inline the call.
   */
  slowdownLowerBounds(
    candidate: DemandMoments,
    nodes: readonly NodeCapacity[],
    loads: readonly NodeLoad[],
    nodeIdx: Int32Array,
    count: number,
    out: Float64Array,
  ): void {
    const { cacheThrashing: b, networkCongestion: c, memoryBandwidth: d, networkQueueing: f, networkKnee: knee } = this.s;
    const candMemory = candidate.memoryMean;
    const candCpu = candidate.cpuMean;
    const candNetwork = candidate.networkMean;
    const candP99 = candidate.networkP99;
    for (let k = 0; k < count; k++) {
      const i = nodeIdx[k]!;
      const node = nodes[i]!;
      const load = loads[i]!;
      const memory = node.memory;
      const cpu = node.cpu;
      const bandwidth = node.network;
      const thrashing = memory > 0 ? Math.min(1, load.memoryMean / memory) : 0;
      const candidateCacheShare = memory > 0 ? Math.min(1, candMemory / memory) : 0;
      const pressure = cpu > 0 ? Math.min(1, Math.max(0, load.cpuMean / cpu)) : 0;
      const candidatePressure = cpu > 0 ? Math.min(1, Math.max(0, candCpu / cpu)) : 0;
      let congestionWith: number;
      let congestionWithout: number;
      let queueWith = 0;
      let queueAlone = 0;
      let queueWithout = 0;
      if (bandwidth > 0) {
        congestionWith = Math.min(1, Math.max(0, ((load.networkP99 + candP99) / bandwidth - knee) / (1 - knee)));
        congestionWithout = Math.min(1, Math.max(0, (load.networkP99 / bandwidth - knee) / (1 - knee)));
        // linkQueueing: ρ/(1 − ρ), ρ = min(RHO_MAX, mean/bandwidth), 0 for no traffic.
        const with_ = load.networkMean + candNetwork;
        if (with_ > 0) {
          const rho = Math.min(RHO_MAX, with_ / bandwidth);
          queueWith = rho / (1 - rho);
        }
        if (load.count === 0) queueAlone = queueWith;
        else if (candNetwork > 0) {
          const rho = Math.min(RHO_MAX, candNetwork / bandwidth);
          queueAlone = rho / (1 - rho);
        }
        if (load.networkMean > 0) {
          const rho = Math.min(RHO_MAX, load.networkMean / bandwidth);
          queueWithout = rho / (1 - rho);
        }
      } else {
        congestionWith = load.networkP99 + candP99 > 0 ? 1 : 0;
        congestionWithout = load.networkP99 > 0 ? 1 : 0;
      }
      const bound =
        b * thrashing +
        c * congestionWith +
        d * pressure +
        f * Math.max(0, queueWith - queueAlone) +
        load.count *
          (b * candidateCacheShare +
            c * Math.max(0, congestionWith - congestionWithout) +
            d * candidatePressure +
            f * Math.max(0, queueWith - queueWithout));
      out[k] = bound - 1e-12 * (1 + Math.abs(bound));
    }
  }

  /**
   * An upper bound on estimateLoad's totalAddedSlowdown without its Math.pow: every term as there, except that the
   * contention increase is bounded by the contention with the candidate, and the CPU queueing increase by
   * ρ / (c (1 − ρ)) with ρ the utilization with the candidate (ρ^k ≤ ρ for the exponent k = √(2(c+1)) − 1 ≥ 1);
   * plus a margin of 1e-12 · (1 + bound) for rounding.
   */
  addedSlowdownUpperBound(candidate: DemandMoments, node: NodeCapacity, load: NodeLoad): number {
    const { s } = this;
    const withC = contention(load, candidate, node);
    const candidateCacheShare = node.memory > 0 ? Math.min(1, candidate.memoryMean / node.memory) : 0;
    const congestionWith = this.congestion(load.networkP99 + candidate.networkP99, node.network);
    const congestionWithout = this.congestion(load.networkP99, node.network);
    const netQueueWith = linkQueueing(load.networkMean + candidate.networkMean, node.network);
    const each =
      s.contention * withC +
      s.cacheThrashing * candidateCacheShare +
      s.networkCongestion * Math.max(0, congestionWith - congestionWithout) +
      s.memoryBandwidth * share(candidate.cpuMean, node.cpu) +
      s.cpuQueueing * cpuQueueingUpperBound(load.cpuMean + candidate.cpuMean, node.cpu) +
      s.networkQueueing * Math.max(0, netQueueWith - linkQueueing(load.networkMean, node.network));
    const bound = each * load.count;
    return bound + 1e-12 * (1 + Math.abs(bound));
  }

  private congestion(networkP99: number, bandwidth: number): number {
    if (bandwidth <= 0) return networkP99 > 0 ? 1 : 0;
    const ratio = networkP99 / bandwidth;
    return Math.min(1, Math.max(0, (ratio - this.s.networkKnee) / (1 - this.s.networkKnee)));
  }
}

function contention(load: NodeLoad, c: DemandMoments | null, node: NodeCapacity): number {
  const pc = overflowProbability(load.cpuMean + (c?.cpuMean ?? 0), load.cpuVar + (c?.cpuVar ?? 0), node.cpu);
  const pm = overflowProbability(load.memoryMean + (c?.memoryMean ?? 0), load.memoryVar + (c?.memoryVar ?? 0), node.memory);
  const pn = overflowProbability(load.networkMean + (c?.networkMean ?? 0), load.networkVar + (c?.networkVar ?? 0), node.network);
  return 1 - (1 - pc) * (1 - pm) * (1 - pn);
}

/** min(1, amount / capacity), 0 for a node without that resource. */
function share(amount: number, capacity: number): number {
  return capacity > 0 ? Math.min(1, Math.max(0, amount / capacity)) : 0;
}

/** Sakasegawa's M/M/c mean wait over service time, ρ^(√(2(c+1)) − 1) / (c(1 − ρ)), ρ capped at RHO_MAX, c ≥ 1. */
function cpuQueueing(cpuMean: number, cores: number): number {
  if (cores <= 0 || cpuMean <= 0) return 0;
  const rho = Math.min(RHO_MAX, cpuMean / cores);
  const c = Math.max(1, cores);
  return Math.pow(rho, Math.sqrt(2 * (c + 1)) - 1) / (c * (1 - rho));
}

/** cpuQueueing's value with ρ in place of ρ^(√(2(c+1)) − 1): not below it, since that exponent is ≥ 1 and ρ < 1. */
function cpuQueueingUpperBound(cpuMean: number, cores: number): number {
  if (cores <= 0 || cpuMean <= 0) return 0;
  const rho = Math.min(RHO_MAX, cpuMean / cores);
  return rho / (Math.max(1, cores) * (1 - rho));
}

/** M/M/1 mean queueing delay over transmission time, ρ / (1 − ρ), ρ capped at RHO_MAX. */
function linkQueueing(networkMean: number, bandwidth: number): number {
  if (bandwidth <= 0 || networkMean <= 0) return 0;
  const rho = Math.min(RHO_MAX, networkMean / bandwidth);
  return rho / (1 - rho);
}
