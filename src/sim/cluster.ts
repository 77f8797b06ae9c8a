/**
 * The simulated cluster: market nodes (what the engine sees) and their ground truth (memory bandwidth and the
 * host's speed factor, which it does not), built from the scenario's node mix.
 */
import type { MarketNode } from '../market/types.js';
import type { NodeTruth } from './groundTruth.js';
import { hashNormal } from './random.js';
import type { Scenario } from './scenario.js';

export interface Cluster {
  nodes: MarketNode[];
  truth: Map<string, NodeTruth>;
  capacity: { cpu: number; memory: number; network: number };
}

/** Salt for host-factor draws, so they never coincide with run-to-run draws keyed by the same numbers. */
const HOST_SALT = 0x5eed;

export function buildCluster(scenario: Scenario, hostToHostLogSd: number): Cluster {
  const nodes: MarketNode[] = [];
  const truth = new Map<string, NodeTruth>();
  const capacity = { cpu: 0, memory: 0, network: 0 };
  scenario.nodes.forEach((group, g) => {
    for (let i = 0; i < group.count; i++) {
      const id = `n${nodes.length}`;
      nodes.push({
        id,
        cpu: group.cpu,
        memory: group.memory,
        network: group.network,
        labels: { group: String(g), ...group.labels },
        draining: false,
      });
      truth.set(id, {
        cpu: group.cpu,
        memory: group.memory,
        network: group.network,
        memoryBandwidth: group.memoryBandwidth,
        hostFactor: Math.exp(hostToHostLogSd * hashNormal(scenario.seed, HOST_SALT, nodes.length)),
      });
      capacity.cpu += group.cpu;
      capacity.memory += group.memory;
      capacity.network += group.network;
    }
  });
  return { nodes, truth, capacity };
}
