/**
 * The simulator's view of a real VM trace: a dense true-usage series per resource in the engine's units
 * (cores, MiB, Mbps) on the trace's 5-minute grid. Every workload of the bid stream replays one of these.
 * Built from what the trace readers of `src/traces/` yield.
 */
import type { TraceInstance } from '../traces/index.js';

export interface TraceVm {
  id: string;
  source: 'bitbrains' | 'planetlab';
  stepSeconds: number;
  /** Cores in use per step. */
  cpu: Float64Array;
  /** MiB in use per step. */
  memory: Float64Array;
  /** Mbps (received + transmitted) per step. */
  network: Float64Array;
  /** The VM's provisioned size, what a client would have bought. */
  provisioned: { cpu: number; memory: number };
}

/** Cores given to PlanetLab VMs, which record only a CPU percentage; chosen by a stable hash of the id. */
const PLANETLAB_CORES = [1, 2, 4] as const;
/** MiB per core for PlanetLab VMs: the 2011 PlanetLab nodes had about 2 GiB per core. */
const PLANETLAB_MIB_PER_CORE = 2048;
/** Resident memory = (0.35 + 0.3 × cpu fraction) × provisioned: a flat base plus a CPU-correlated part (assumption). */
const PLANETLAB_MEMORY_BASE = 0.35;
const PLANETLAB_MEMORY_SLOPE = 0.3;
/** Mbps per busy core for PlanetLab VMs (assumption: network services moving about 8 Mbps per fully used core). */
const PLANETLAB_MBPS_PER_BUSY_CORE = 8;

/**
 * Fills the trace's grid from its first to its last sample; a missing slot repeats the previous sample (the
 * traces have gaps where the monitor lost rows, and the VM did not vanish in them).
 */
function dense(instance: TraceInstance): { cpu: Float64Array; memory: Float64Array; network: Float64Array } {
  const stepMs = instance.intervalSeconds * 1000;
  const first = instance.samples[0]!.at;
  const last = instance.samples[instance.samples.length - 1]!.at;
  const n = Math.round((last - first) / stepMs) + 1;
  const cpu = new Float64Array(n);
  const memory = new Float64Array(n);
  const network = new Float64Array(n);
  let k = 0;
  let previous = instance.samples[0]!;
  for (let i = 0; i < n; i++) {
    const at = first + i * stepMs;
    while (k < instance.samples.length && instance.samples[k]!.at <= at) previous = instance.samples[k++]!;
    cpu[i] = previous.cpu;
    memory[i] = previous.memory;
    network[i] = previous.network;
  }
  return { cpu, memory, network };
}

/** A Bitbrains VM as it ran: CPU, memory and network are all real. */
export function traceVmFromBitbrains(instance: TraceInstance): TraceVm {
  if (instance.samples.length === 0) throw new Error(`bitbrains ${instance.id}: no samples`);
  const series = dense(instance);
  let peakMemory = 0;
  for (const m of series.memory) peakMemory = Math.max(peakMemory, m);
  return {
    id: `bitbrains/${instance.id}`,
    source: 'bitbrains',
    stepSeconds: instance.intervalSeconds,
    ...series,
    provisioned: { cpu: instance.capacity.cpu, memory: instance.capacity.memory ?? peakMemory },
  };
}

/**
 * A PlanetLab VM: its CPU series (the bursty part) is real, read as a fraction of one core and scaled to a size of
 * 1, 2 or 4 cores chosen by `sizeKey`; PlanetLab recorded nothing else, so memory and network are synthesized from
 * the CPU series with the constants above.
 */
export function traceVmFromPlanetLab(instance: TraceInstance, sizeKey: number): TraceVm {
  if (instance.samples.length === 0) throw new Error(`planetlab ${instance.id}: no samples`);
  const cores = PLANETLAB_CORES[sizeKey % PLANETLAB_CORES.length]!;
  const fraction = dense(instance).cpu;
  const n = fraction.length;
  const cpu = new Float64Array(n);
  const memory = new Float64Array(n);
  const network = new Float64Array(n);
  const provisionedMemory = cores * PLANETLAB_MIB_PER_CORE;
  for (let i = 0; i < n; i++) {
    const f = Math.min(1, fraction[i]! / instance.capacity.cpu);
    cpu[i] = f * cores;
    memory[i] = (PLANETLAB_MEMORY_BASE + PLANETLAB_MEMORY_SLOPE * f) * provisionedMemory;
    network[i] = f * cores * PLANETLAB_MBPS_PER_BUSY_CORE;
  }
  return {
    id: `planetlab/${instance.id}`,
    source: 'planetlab',
    stepSeconds: instance.intervalSeconds,
    cpu,
    memory,
    network,
    provisioned: { cpu: cores, memory: provisionedMemory },
  };
}

/** The value of a trace at an absolute step index, wrapping around the end (the VM's recorded period repeats). */
export function traceAt(series: Float64Array, step: number): number {
  const n = series.length;
  return series[((step % n) + n) % n]!;
}
