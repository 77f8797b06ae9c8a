/**
 * The ground-truth interference model: how much slower each workload on a node really runs, given every co-runner's
 * true demand. The engine never sees this file's constants or its inputs; it sees only the slowdown it produces,
 * through the feedback clients report (that is what the learning issue trains its interference head on).
 *
 * Per node and step, with ρ_r = Σ demand_r / capacity_r for r in {cpu, memoryBandwidth, network, memory}:
 *
 *   pressure_r(ρ) = α_r · ρ²               for ρ ≤ 1   (shared caches, SMT, queueing grow with load)
 *                 = α_r + κ_r · (ρ − 1)     for ρ > 1   (time-sharing: demand over capacity stretches the work)
 *
 *   slowdown_i = (1 + p_cpu + w_bw,i · p_bw + w_net,i · p_net + p_mem) · exp(σ_run · z_i,t)
 *
 * w_bw,i = the workload's memory intensity (clipped to [0.25, 2]): bandwidth-hungry workloads suffer most;
 * w_net,i = min(1, net_i / (2% of the node's bandwidth)): workloads that barely use the network barely notice it.
 * Memory bandwidth demand is not in the traces: demand_bw,i = cpu_i × (node bandwidth / node cores) × intensity_i,
 * so a node full of reference workloads saturates its bandwidth exactly when its cores are saturated.
 * σ_run comes from the Azure VM noise data (noiseConstants.ts).
 *
 * Slowdown is performance relative to running alone on the same node (the feedback contract's definition), so a
 * node's own speed does not enter it: host_node = exp(σ_host · z_node) is a per-node speed factor that stretches
 * batch work (`speed`), with σ_host also from the Azure data. The host-to-host spread measured on Azure includes
 * neighbour effects, which this model produces explicitly through the pressure terms; see docs/simulation.md.
 */
import { HOST_TO_HOST_LOG_SD, RUN_TO_RUN_LOG_SD } from './noiseConstants.js';

/** Demand or consumption of one workload: cores, MiB, Mbps. */
export interface Usage {
  cpu: number;
  memory: number;
  network: number;
}

export interface GroundTruthConstants {
  /** α_r: slowdown at exactly full use of the resource. */
  alpha: { cpu: number; memoryBandwidth: number; network: number };
  /** κ_r: added slowdown per unit of overload (1 = proportional time-sharing; memory swaps, hence 4). */
  overloadSlope: { cpu: number; memoryBandwidth: number; network: number; memory: number };
  runToRunLogSd: number;
  hostToHostLogSd: number;
}

/**
 * α: assumptions in the range reported by interference studies (Paragon, ASPLOS 2013: co-located batch work slows
 * by 10-50% under shared-cache and memory-bandwidth pressure; Heracles, ISCA 2015: memory bandwidth is the dominant
 * contended resource). κ = 1 is exact for time-shared CPU and links.
 */
export const defaultGroundTruth: GroundTruthConstants = {
  alpha: { cpu: 0.1, memoryBandwidth: 0.35, network: 0.15 },
  overloadSlope: { cpu: 1, memoryBandwidth: 1, network: 1, memory: 4 },
  runToRunLogSd: RUN_TO_RUN_LOG_SD,
  hostToHostLogSd: HOST_TO_HOST_LOG_SD,
};

export interface NodeTruth {
  cpu: number;
  memory: number;
  network: number;
  /** GB/s. */
  memoryBandwidth: number;
  /** exp(σ_host · z_node), drawn once per node: > 1 is a slower host. */
  hostFactor: number;
}

export interface Tenant {
  demand: Usage;
  memoryIntensity: number;
  /** A standard normal for this tenant and step (the run-to-run noise draw). */
  noise: number;
}

export interface NodeOutcome {
  /** True slowdown per tenant, same order as the input. */
  slowdowns: number[];
  /** What each tenant actually consumed (demand capped by its share when a time-shared resource is overloaded). */
  consumed: Usage[];
  load: { cpu: number; memory: number; network: number; memoryBandwidth: number };
  /** Summed demand exceeded capacity on cpu, memory or network. */
  overCapacity: boolean;
}

export function pressure(rho: number, alpha: number, kappa: number): number {
  return rho <= 1 ? alpha * rho * rho : alpha + kappa * (rho - 1);
}

export const MEMORY_INTENSITY_RANGE = [0.25, 2] as const;
/** Share of a node's bandwidth at which a workload is fully sensitive to network congestion. */
const NETWORK_SENSITIVITY_SHARE = 0.02;

export function evaluateNode(
  node: NodeTruth,
  tenants: readonly Tenant[],
  constants: GroundTruthConstants = defaultGroundTruth,
): NodeOutcome {
  const bandwidthPerCore = node.memoryBandwidth / node.cpu;
  let cpu = 0;
  let memory = 0;
  let network = 0;
  let bandwidth = 0;
  const intensities = tenants.map((t) =>
    Math.min(MEMORY_INTENSITY_RANGE[1], Math.max(MEMORY_INTENSITY_RANGE[0], t.memoryIntensity)),
  );
  tenants.forEach((t, i) => {
    cpu += t.demand.cpu;
    memory += t.demand.memory;
    network += t.demand.network;
    bandwidth += t.demand.cpu * bandwidthPerCore * intensities[i]!;
  });
  const load = {
    cpu: cpu / node.cpu,
    memory: memory / node.memory,
    network: network / node.network,
    memoryBandwidth: bandwidth / node.memoryBandwidth,
  };
  const { alpha, overloadSlope } = constants;
  const pCpu = pressure(load.cpu, alpha.cpu, overloadSlope.cpu);
  const pBw = pressure(load.memoryBandwidth, alpha.memoryBandwidth, overloadSlope.memoryBandwidth);
  const pNet = pressure(load.network, alpha.network, overloadSlope.network);
  const pMem = load.memory > 1 ? overloadSlope.memory * (load.memory - 1) : 0;
  const slowdowns = tenants.map((t, i) => {
    const wNet = Math.min(1, t.demand.network / (NETWORK_SENSITIVITY_SHARE * node.network));
    const base = 1 + pCpu + intensities[i]! * pBw + wNet * pNet + pMem;
    return base * Math.exp(constants.runToRunLogSd * t.noise);
  });
  const cpuShare = Math.min(1, 1 / Math.max(load.cpu, 1e-12));
  const netShare = Math.min(1, 1 / Math.max(load.network, 1e-12));
  const consumed = tenants.map((t) => ({
    cpu: t.demand.cpu * cpuShare,
    memory: t.demand.memory,
    network: t.demand.network * netShare,
  }));
  return {
    slowdowns,
    consumed,
    load,
    overCapacity: load.cpu > 1 || load.memory > 1 || load.network > 1,
  };
}
