/** Contract checks on a snapshot, so a caller bug fails loudly with a clear message instead of a silent bad plan. */
import type { PendingBid, Snapshot } from './types.js';
import { MarketInputError } from './errors.js';

export function validateBid(bid: PendingBid): void {
  if (!Number.isInteger(bid.count) || bid.count < 1) throw new MarketInputError(`bid ${bid.id}: count must be an integer ≥ 1`);
  if (!(bid.price >= 0) || !Number.isFinite(bid.price)) throw new MarketInputError(`bid ${bid.id}: price must be finite and ≥ 0`);
  for (const r of ['cpu', 'memory', 'network'] as const) {
    const spec = bid.profile[r];
    if (!(spec.avg >= 0 && spec.peak >= spec.avg)) {
      throw new MarketInputError(`bid ${bid.id}: ${r} needs 0 ≤ avg ≤ peak, got avg ${spec.avg}, peak ${spec.peak}`);
    }
  }
}

export function validateSnapshot(snapshot: Snapshot): void {
  if (!Number.isFinite(snapshot.now)) throw new MarketInputError('snapshot.now must be a finite epoch ms');
  const bidIds = new Set<string>();
  for (const bid of snapshot.bids) {
    if (bidIds.has(bid.id)) throw new MarketInputError(`duplicate bid id ${bid.id}`);
    bidIds.add(bid.id);
    validateBid(bid);
  }
  const instanceIds = new Set<string>();
  for (const inst of snapshot.instances) {
    if (instanceIds.has(inst.id)) throw new MarketInputError(`duplicate instance id ${inst.id}`);
    instanceIds.add(inst.id);
  }
}
