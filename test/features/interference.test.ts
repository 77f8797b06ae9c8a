import { describe, expect, it } from 'vitest';
import {
  INTERFERENCE_FEATURE_NAMES,
  addToSums,
  emptySums,
  interferenceFeaturesFromSums,
  interferenceFeaturesInto,
  sumsOf,
  type DemandQuantiles,
} from '../../src/features/interference.js';

const demand = (cpu: number, memory: number, network: number, declared = { cpu, memory }): DemandQuantiles => ({
  cpu: { mean: cpu, p95: 1.5 * cpu },
  memory: { mean: memory, p95: memory },
  network: { mean: network, p95: 2 * network },
  declared,
});
const node = { cpu: 16, memory: 131_072, network: 10_000 };
const width = INTERFERENCE_FEATURE_NAMES.length;
const features = (own: DemandQuantiles, co: DemandQuantiles[]) => {
  const out = new Float32Array(width);
  interferenceFeaturesInto(own, node, co, out, 0);
  return [...out];
};
const byName = (values: number[]) => Object.fromEntries(INTERFERENCE_FEATURE_NAMES.map((n, i) => [n, values[i]!]));

describe('interference features', () => {
  it('from maintained sums equal those from the co-runner list, and removing a workload undoes adding it', () => {
    const own = demand(2, 8192, 50);
    const co = [demand(1, 4096, 10), demand(4, 16_384, 200, { cpu: 2, memory: 32_768 })];
    const sums = sumsOf(co);
    addToSums(sums, own, 1);
    const out = new Float32Array(width);
    interferenceFeaturesFromSums(own, node, sums, out, 0);
    expect([...out]).toEqual(features(own, co));
    addToSums(sums, own, -1);
    const again = sumsOf(co);
    for (const k of Object.keys(again) as (keyof typeof again)[]) expect(sums[k]).toBeCloseTo(again[k], 9);
    expect(sumsOf([])).toEqual(emptySums());
  });

  it('describe the node shape, the workload and the node total', () => {
    const f = byName(features(demand(2, 8192, 50), [demand(6, 24_576, 150)]));
    expect(f.node_log_cores).toBeCloseTo(Math.log(16), 6);
    expect(f.node_log_gib_per_core).toBeCloseTo(Math.log(128 / 16), 6);
    expect(f.own_cpu_mean).toBeCloseTo(2 / 16, 6);
    expect(f.total_cpu_mean).toBeCloseTo(8 / 16, 6);
    expect(f.total_gib_per_core).toBeCloseTo(32 / 16, 6);
    expect(f.co_count_log).toBeCloseTo(Math.log(2), 6);
  });

  it('tell a memory-bound workload from a CPU-bound one by its declared memory per core, not by an idle hour', () => {
    const idleNow = { cpu: { mean: 0.01, p95: 0.02 }, memory: { mean: 8192, p95: 8192 }, network: { mean: 1, p95: 1 } };
    const memoryBound = byName(features({ ...idleNow, declared: { cpu: 0.5, memory: 8192 } }, []));
    const cpuBound = byName(features({ ...idleNow, declared: { cpu: 8, memory: 8192 } }, []));
    expect(memoryBound.own_log_gib_per_busy_core).toBe(cpuBound.own_log_gib_per_busy_core);
    expect(memoryBound.own_log_declared_gib_per_core).toBeGreaterThan(cpuBound.own_log_declared_gib_per_core! + 2);
    // Memory traffic: CPU activity times declared memory per core, summed.
    const traffic = byName(features(demand(4, 4096, 1, { cpu: 1, memory: 8192 }), []));
    expect(traffic.total_memory_traffic_per_core).toBeCloseTo((4 * (8 + 0.125)) / (1 + 0.05) / 16, 5);
  });
});
