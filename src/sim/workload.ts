/**
 * A simulated workload: what the client declares and bids (visible to the engine) together with what is true
 * (its usage series, its value, its sensitivity to memory bandwidth), which only the simulator's ground truth reads.
 */
import type { Penalty, PriorityClass, WorkloadProfile } from '../market/types.js';
import type { Usage } from './groundTruth.js';
import type { ContractTemplate } from './scenario.js';
import { traceAt, type TraceVm } from './traceVm.js';

export interface Workload {
  id: string;
  clientId: string;
  vm: TraceVm;
  /** Trace step aligned with the simulation's step 0 (whole days, so the trace's daily rhythm matches the clock). */
  traceShift: number;
  submittedAt: number;
  /** Standalone seconds of work to complete (the run takes longer under slowdown). */
  runtimeSeconds: number;
  /** True value per hour of useful work: the client's private valuation, and its truthful bid. */
  valuePerHour: number;
  priority: PriorityClass;
  latencySensitive: boolean;
  contract: ContractTemplate;
  profile: WorkloadProfile;
  /** Memory-bandwidth demand per busy core relative to a reference workload (ground truth only). */
  memoryIntensity: number;
  maxWaitSeconds: number;
  /** The penalty negotiated up front (fee for uninterruptible contracts, priority reduction), or null. */
  penalty: Penalty | null;
}


/** The workload's true demand during simulation step `step`. */
export function trueUsage(workload: Workload, step: number): Usage {
  const s = workload.traceShift + step;
  return {
    cpu: traceAt(workload.vm.cpu, s),
    memory: traceAt(workload.vm.memory, s),
    network: traceAt(workload.vm.network, s),
  };
}
