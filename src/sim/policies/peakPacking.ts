/**
 * Capacity accounting by declared peak, shared by the baselines that sell fixed-size instances (price-only auction,
 * FIFO): an instance reserves its profile's declared peak of every resource, whatever it really uses.
 */
import type { BidOutcome, NodeCapacity, PendingBid, Prediction, ReasonCode, RunningInstance, Snapshot, WorkloadProfile } from '../../market/types.js';

export interface Room {
  cpu: number;
  memory: number;
  network: number;
}

/** Free room per node after the declared peaks of every instance on it (running or under notice). */
export function freeRoom(snapshot: Snapshot): Map<string, Room> {
  const room = new Map<string, Room>();
  for (const node of snapshot.nodes) room.set(node.id, { cpu: node.cpu, memory: node.memory, network: node.network });
  for (const instance of snapshot.instances) release(room, instance.nodeId, instance.profile, -1);
  return room;
}

/** Adds (sign 1) or removes (sign −1) a profile's declared peak to a node's room. */
export function release(room: Map<string, Room>, nodeId: string, profile: WorkloadProfile, sign: 1 | -1): void {
  const r = room.get(nodeId);
  if (!r) return;
  r.cpu += sign * profile.cpu.peak;
  r.memory += sign * profile.memory.peak;
  r.network += sign * profile.network.peak;
}

export function fits(r: Room, profile: WorkloadProfile): boolean {
  return profile.cpu.peak <= r.cpu + 1e-9 && profile.memory.peak <= r.memory + 1e-9 && profile.network.peak <= r.network + 1e-9;
}

/** The first node, in snapshot order, with room for the profile's declared peak. */
export function firstFit(nodes: readonly NodeCapacity[], room: Map<string, Room>, profile: WorkloadProfile): string | null {
  for (const node of nodes) {
    const r = room.get(node.id);
    if (r && fits(r, profile)) return node.id;
  }
  return null;
}

/** The "prediction" of a baseline that believes the declaration: every quantile is the declared peak. */
export function declaredPeakPrediction(profile: WorkloadProfile): Prediction {
  const q = (peak: number) => ({ mean: peak, p95: peak, p99: peak });
  return { cpu: q(profile.cpu.peak), memory: q(profile.memory.peak), network: q(profile.network.peak), modelVersion: null };
}

export function instancesByNode(instances: readonly RunningInstance[]): Map<string, RunningInstance[]> {
  const byNode = new Map<string, RunningInstance[]>();
  for (const instance of instances) {
    const list = byNode.get(instance.nodeId) ?? [];
    list.push(instance);
    byNode.set(instance.nodeId, list);
  }
  return byNode;
}

/** The outcome of a bid a baseline could not place: `expired` once it waited its maxWaitSeconds, else `deferred`. */
export function unplacedOutcome(bid: PendingBid, now: number, reason: ReasonCode, detail: string): BidOutcome {
  const waited = (now - bid.submittedAt) / 1000;
  const expired = bid.maxWaitSeconds !== undefined && waited >= bid.maxWaitSeconds;
  return expired
    ? { bidId: bid.id, outcome: 'expired', reason: 'expired', detail: `waited ${Math.round(waited)} s`, score: null }
    : { bidId: bid.id, outcome: 'deferred', reason, detail, score: null };
}
