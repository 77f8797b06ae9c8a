/**
 * The statistical InterferenceModel: three components from summed demand distributions, turned into slowdowns with
 * linear sensitivities (Paragon-style: slowdown = 1 + Σ sensitivityₖ · pressureₖ).
 *
 *   contention       = 1 − Π_r (1 − P(Σ demand_r > capacity_r)), Gaussian sums over candidate + co-runners
 *   cacheThrashing   = min(1, Σ co-runner predicted memory mean / node memory)  (active memory share of others)
 *   networkCongestion= clamp((Σ network p99 / bandwidth − knee) / (1 − knee), 0, 1), knee = 0.5
 *   candidateSlowdown = 1 + a·contention + b·cacheThrashing + c·networkCongestion
 *   added to each co-runner = a·Δcontention + b·(candidate memory mean / node memory) + c·ΔnetworkCongestion,
 * where Δ is the component with the candidate minus without it. Defaults a = 0.5, b = 0.25, c = 0.25: a node
 * saturated on every axis at most doubles a workload's runtime, contention weighing most.
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
}

const DEFAULTS: InterferenceSensitivities = { contention: 0.5, cacheThrashing: 0.25, networkCongestion: 0.25, networkKnee: 0.5 };

export class StatisticalInterferenceModel implements InterferenceModel {
  readonly version = null;
  private readonly s: InterferenceSensitivities;

  constructor(sensitivities: Partial<InterferenceSensitivities> = {}) {
    this.s = { ...DEFAULTS, ...sensitivities };
    if (!(this.s.networkKnee >= 0 && this.s.networkKnee < 1)) {
      throw new RangeError('StatisticalInterferenceModel: networkKnee must be in [0, 1)');
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
    const candidateSlowdown = 1 + s.contention * withC + s.cacheThrashing * cacheThrashing + s.networkCongestion * congestionWith;
    const candidateCacheShare = node.memory > 0 ? Math.min(1, candidate.memoryMean / node.memory) : 0;
    const addedEach =
      s.contention * Math.max(0, withC - without) +
      s.cacheThrashing * candidateCacheShare +
      s.networkCongestion * Math.max(0, congestionWith - congestionWithout);
    out.candidateSlowdown = candidateSlowdown;
    out.totalAddedSlowdown = addedEach * load.count;
    out.components.contention = withC;
    out.components.cacheThrashing = cacheThrashing;
    out.components.networkCongestion = congestionWith;
    return out;
  }

  /**
   * Everything in (candidateSlowdown − 1) + totalAddedSlowdown except the contention terms, which are ≥ 0:
   *   b·cacheThrashing + c·congestion + count · (b·candidate memory share + c·Δcongestion)
   * No square root or normal CDF, so the engine can rule nodes out before the full estimate.
   */
  slowdownLowerBound(candidate: DemandMoments, node: NodeCapacity, load: NodeLoad): number {
    const { s } = this;
    const cacheThrashing = node.memory > 0 ? Math.min(1, load.memoryMean / node.memory) : 0;
    const congestionWith = this.congestion(load.networkP99 + candidate.networkP99, node.network);
    const congestionWithout = this.congestion(load.networkP99, node.network);
    const candidateCacheShare = node.memory > 0 ? Math.min(1, candidate.memoryMean / node.memory) : 0;
    return (
      s.cacheThrashing * cacheThrashing +
      s.networkCongestion * congestionWith +
      load.count * (s.cacheThrashing * candidateCacheShare + s.networkCongestion * Math.max(0, congestionWith - congestionWithout))
    );
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
