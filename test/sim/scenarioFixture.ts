import { readFileSync } from 'node:fs';
import { scenarioSchema, type Scenario } from '../../src/sim/scenario.js';
import type { TraceVm } from '../../src/sim/traceVm.js';
import type { Workload } from '../../src/sim/workload.js';
import type { TraceLibrary } from '../../src/sim/bidStream.js';
import { profile } from './fixtures.js';

/** The default scenario, shrunk: 4 nodes, 6 hours, 12 bids an hour. */
export function smallScenario(overrides: Partial<Scenario> = {}): Scenario {
  const base = scenarioSchema.parse(JSON.parse(readFileSync('config/sim-default.json', 'utf8')));
  return {
    ...base,
    durationHours: 6,
    nodes: [{ count: 4, cpu: 8, memory: 32768, network: 1000, memoryBandwidth: 20, labels: {} }],
    arrivals: { ...base.arrivals, meanPerHour: 12 },
    ...overrides,
  };
}

/** A VM with a 3-day sine-shaped CPU series, so histories and futures differ. */
export function syntheticVm(id: string, cores: number, phase = 0): TraceVm {
  const n = 864;
  const cpu = new Float64Array(n);
  const memory = new Float64Array(n);
  const network = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    cpu[i] = cores * (0.4 + 0.3 * Math.sin((2 * Math.PI * (i + phase)) / 288));
    memory[i] = 2048 + 512 * Math.sin((2 * Math.PI * i) / 288);
    network[i] = 5;
  }
  return { id, source: 'bitbrains', stepSeconds: 300, cpu, memory, network, provisioned: { cpu: cores, memory: 4096 } };
}

export function syntheticLibrary(): TraceLibrary {
  return {
    bitbrains: [syntheticVm('a', 1), syntheticVm('b', 2, 100), syntheticVm('c', 4, 50)],
    planetLab: [syntheticVm('p', 1, 200)],
  };
}

/** One hand-made workload: constant 1 core, 1 GiB, 1 Mbps. */
export function constantWorkload(id: string, overrides: Partial<Workload> = {}): Workload {
  const n = 288;
  const vm: TraceVm = {
    id: `vm-${id}`,
    source: 'bitbrains',
    stepSeconds: 300,
    cpu: new Float64Array(n).fill(1),
    memory: new Float64Array(n).fill(1024),
    network: new Float64Array(n).fill(1),
    provisioned: { cpu: 2, memory: 2048 },
  };
  const contract = { maxInterruptionsPerDay: 2, maxInterruptionSeconds: 600, minNoticeSeconds: 120, uninterruptible: false, feeHours: 0, priorityReduction: 0 };
  return {
    id,
    clientId: `c-${id}`,
    vm,
    traceShift: 0,
    submittedAt: 1_767_571_200_000,
    runtimeSeconds: 3600,
    valuePerHour: 2,
    priority: 'normal',
    latencySensitive: false,
    contract,
    memoryIntensity: 1,
    maxWaitSeconds: 3600,
    penalty: null,
    profile: profile(1, {
      name: id,
      cpu: { avg: 1, peak: 1 },
      memory: { avg: 1024, peak: 1024 },
      network: { avg: 1, peak: 1 },
      interruptibility: { maxInterruptionsPerDay: 2, maxInterruptionSeconds: 600, minNoticeSeconds: 120 },
    }),
    ...overrides,
  };
}

/** A result without its wall-clock decision times (`decideMillis`), the one figure two identical runs do not share. */
export function withoutTimings(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'decideMillis' ? undefined : v)));
}
