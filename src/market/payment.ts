/**
 * Payment: what a bid is billed for, the reserve, the uniform clearing price, and what a winner pays.
 *
 * Billed units per instance: CPU declared avg (cores), memory declared peak (MiB, the hard reservation), network
 * declared avg (Mbps). A bid's size in "mean-node units" is u = (1/3) Σ_r billed_r / meanCapacity_r, its unit price
 * price / u. Uniform rule: p* = the highest unit price among bids that lost for scarcity (capacity or outbid), so
 * per resource unit clearing_r = max(reserve_r, p* / (3 · meanCapacity_r)) and a winner pays
 * min(its bid, Σ_r clearing_r · billed_r). Pay-as-bid: a winner pays its bid.
 */
import { RESOURCES } from './types.js';
import type { NodeCapacity, Resource, WorkloadProfile } from './types.js';
import type { EngineConfig } from './config.js';

export type ResourceVector = Record<Resource, number>;

export function billedUnits(profile: WorkloadProfile): ResourceVector {
  return { cpu: profile.cpu.avg, memory: profile.memory.peak, network: profile.network.avg };
}

export function dot(prices: ResourceVector, units: ResourceVector): number {
  return prices.cpu * units.cpu + prices.memory * units.memory + prices.network * units.network;
}

export function meanCapacity(nodes: readonly NodeCapacity[]): ResourceVector {
  const m: ResourceVector = { cpu: 0, memory: 0, network: 0 };
  if (nodes.length === 0) return { cpu: 1, memory: 1, network: 1 };
  for (const n of nodes) {
    m.cpu += n.cpu;
    m.memory += n.memory;
    m.network += n.network;
  }
  for (const r of RESOURCES) m[r] = m[r] / nodes.length || 1;
  return m;
}

/** Size in mean-node units; never 0, so a unit price always exists. */
export function normalizedUnits(units: ResourceVector, meanCap: ResourceVector): number {
  return Math.max(1e-9, (units.cpu / meanCap.cpu + units.memory / meanCap.memory + units.network / meanCap.network) / 3);
}

/** The per-resource clearing prices for a uniform unit price p* (0 when nothing lost for scarcity). */
export function clearingPrices(pStar: number, meanCap: ResourceVector, reserve: ResourceVector): ResourceVector {
  return {
    cpu: Math.max(reserve.cpu, pStar / (3 * meanCap.cpu)),
    memory: Math.max(reserve.memory, pStar / (3 * meanCap.memory)),
    network: Math.max(reserve.network, pStar / (3 * meanCap.network)),
  };
}

/** What a winner pays per instance-hour; never more than its bid. */
export function paymentFor(
  rule: EngineConfig['paymentRule'],
  bidPrice: number,
  units: ResourceVector,
  clearing: ResourceVector,
): number {
  if (rule === 'pay-as-bid') return bidPrice;
  return Math.min(bidPrice, dot(clearing, units));
}
