/**
 * The per-instance-hour price a baseline without a market charges or requires: the declared peak of each resource
 * times a per-unit price (the engine's reserve price per resource unit, so every policy starts from the same floor).
 */
import type { Resource, ResourceSpec } from '../../market/types.js';

export type UnitPrices = Readonly<Record<Resource, number>>;

export function postedPrice(
  profile: { cpu: ResourceSpec; memory: ResourceSpec; network: ResourceSpec },
  unitPrices: UnitPrices,
): number {
  return profile.cpu.peak * unitPrices.cpu + profile.memory.peak * unitPrices.memory + profile.network.peak * unitPrices.network;
}
