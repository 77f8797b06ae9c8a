/**
 * Loads what a clearing round reads into the engine's Snapshot, together with the version of every row the decision
 * depends on, so the apply step can re-check them (optimistic concurrency).
 */
import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { bids, feedback, instances, ledger, nodes, profiles } from '../db/schema.js';
import type {
  FeedbackSample,
  LedgerEntry,
  MarketNode,
  PendingBid,
  ReasonCode,
  RunningInstance,
  Snapshot,
} from '../market/types.js';
import { LIVE_STATES } from '../service/nodeViews.js';

export interface SnapshotRead {
  snapshot: Snapshot;
  /** Version of every node in the snapshot. */
  nodeVersions: ReadonlyMap<string, number>;
  /** Version of every live instance in the snapshot. */
  instanceVersions: ReadonlyMap<string, number>;
}

/** The most recent `limit` samples of each instance, oldest first. */
async function recentHistory(db: Executor, instanceIds: string[], limit: number) {
  const byInstance = new Map<string, FeedbackSample[]>();
  if (instanceIds.length === 0 || limit === 0) return byInstance;
  const ranked = db
    .select({
      instanceId: feedback.instanceId,
      id: feedback.id,
      at: feedback.at,
      cpu: feedback.cpu,
      memory: feedback.memory,
      network: feedback.network,
      slowdown: feedback.slowdown,
      rank: sql<number>`row_number() over (partition by ${feedback.instanceId} order by ${feedback.at} desc, ${feedback.id} desc)`.as(
        'rank',
      ),
    })
    .from(feedback)
    .where(inArray(feedback.instanceId, instanceIds))
    .as('ranked');
  const rows = await db
    .select()
    .from(ranked)
    .where(lte(ranked.rank, limit))
    .orderBy(asc(ranked.instanceId), asc(ranked.at), asc(ranked.id));
  for (const r of rows) {
    const sample: FeedbackSample = { at: Number(r.at), cpu: r.cpu, memory: r.memory, network: r.network };
    if (r.slowdown !== null) sample.slowdown = r.slowdown;
    const list = byInstance.get(r.instanceId) ?? [];
    list.push(sample);
    byInstance.set(r.instanceId, list);
  }
  return byInstance;
}

export async function readSnapshot(db: Executor, now: number, historySamples: number): Promise<SnapshotRead> {
  const nodeRows = await db.select().from(nodes).where(isNull(nodes.removedAt)).orderBy(asc(nodes.id));
  const liveRows = await db
    .select({ instance: instances, profile: profiles.spec })
    .from(instances)
    .innerJoin(bids, eq(bids.id, instances.bidId))
    .innerJoin(profiles, eq(profiles.id, bids.profileId))
    .where(inArray(instances.state, [...LIVE_STATES]))
    .orderBy(asc(instances.startedAt), asc(instances.id));
  const history = await recentHistory(
    db,
    liveRows.map((r) => r.instance.id),
    historySamples,
  );
  const pendingRows = await db
    .select({ bid: bids, profile: profiles.spec })
    .from(bids)
    .innerJoin(profiles, eq(profiles.id, bids.profileId))
    .where(and(eq(bids.state, 'pending')))
    .orderBy(asc(bids.submittedAt), asc(bids.id));
  const ledgerRows = await db.select().from(ledger).orderBy(asc(ledger.id));

  const marketNodes: MarketNode[] = nodeRows.map((n) => ({
    id: n.id,
    cpu: n.cpu,
    memory: n.memory,
    network: n.network,
    labels: n.labels,
    draining: n.draining,
  }));
  const running: RunningInstance[] = liveRows.map(({ instance: i, profile }) => ({
    id: i.id,
    bidId: i.bidId,
    clientId: i.clientId,
    nodeId: i.nodeId,
    profile,
    bidPrice: i.bidPrice,
    price: i.price,
    declaredPriority: i.declaredPriority,
    effectivePriority: i.effectivePriority,
    uninterruptible: i.uninterruptible,
    penalty: i.penalty,
    state: i.state === 'notified' ? 'notified' : 'running',
    startedAt: i.startedAt,
    interruptions: i.interruptions,
    movedFrom: i.movedFrom,
    history: history.get(i.id) ?? [],
    notice: i.notice,
  }));
  const pending: PendingBid[] = pendingRows.map(({ bid: b, profile }) => {
    const bid: PendingBid = {
      id: b.id,
      clientId: b.clientId,
      profileId: b.profileId,
      profile,
      price: b.price,
      count: b.count,
      uninterruptible: b.uninterruptible,
      submittedAt: b.submittedAt,
    };
    if (b.priority !== null) bid.priority = b.priority;
    if (b.penalty !== null) bid.penalty = b.penalty;
    if (b.maxWaitSeconds !== null) bid.maxWaitSeconds = b.maxWaitSeconds;
    return bid;
  });
  const entries: LedgerEntry[] = ledgerRows.map((l) => ({
    clientId: l.clientId,
    kind: l.kind,
    amount: l.amount,
    at: l.at,
    instanceId: l.instanceId,
    reason: l.reason as ReasonCode,
  }));
  return {
    snapshot: { now, nodes: marketNodes, instances: running, bids: pending, ledger: entries },
    nodeVersions: new Map(nodeRows.map((n) => [n.id, n.version])),
    instanceVersions: new Map(liveRows.map((r) => [r.instance.id, r.instance.version])),
  };
}
