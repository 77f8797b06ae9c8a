/**
 * Loads the real VM traces a scenario's bid stream replays, through the readers of `src/traces/`.
 * Paths are relative to the working directory; the default scenario points at the samples committed in `data/`.
 */
import { readBitbrains, readPlanetLab } from '../traces/index.js';
import type { TraceLibrary } from './bidStream.js';
import { stringKey } from './random.js';
import type { Scenario } from './scenario.js';
import { traceVmFromBitbrains, traceVmFromPlanetLab, type TraceVm } from './traceVm.js';

/** A VM whose mean CPU is below this (cores) is idle for the whole trace; it cannot carry a workload's value. */
const IDLE_CPU_CORES = 0.01;

function meanCpu(vm: TraceVm): number {
  let sum = 0;
  for (const c of vm.cpu) sum += c;
  return sum / Math.max(1, vm.cpu.length);
}

export async function loadTraceLibrary(scenario: Scenario): Promise<TraceLibrary> {
  const bitbrains: TraceVm[] = [];
  for await (const instance of readBitbrains(scenario.traces.bitbrainsDir)) {
    const vm = traceVmFromBitbrains(instance);
    if (meanCpu(vm) >= IDLE_CPU_CORES && vm.cpu.length * vm.stepSeconds >= 2 * 86_400) bitbrains.push(vm);
  }
  const planetLab: TraceVm[] = [];
  for await (const instance of readPlanetLab(scenario.traces.planetLabDir)) {
    planetLab.push(traceVmFromPlanetLab(instance, stringKey(instance.id)));
  }
  return { bitbrains, planetLab };
}
