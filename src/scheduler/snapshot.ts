/**
 * Loads what a clearing round reads into the engine's Snapshot, together with the version of every row the decision
 * depends on, so the apply step can re-check them (optimistic concurrency).
 *
 * With a SnapshotCache (the clearing loop keeps one), a round reads in full only what changed since the last round:
 * the ids, versions and feedback counts of the live instances and the ids of the pending bids are read every time,
 * and then only the rows whose version changed, the histories whose feedback count changed, and the bids and
 * profiles not seen before. Everything is read in the caller's one transaction (repeatable read), so the snapshot is
 * one committed state whatever the cache held.
 */
import { and, asc, desc, eq, gt, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db, Executor } from '../db/database.js';
import { bids, feedback, instances, ledger, nodes, profiles } from '../db/schema.js';
import type {
  FeedbackSample,
  LedgerEntry,
  PendingBid,
  ReasonCode,
  RunningInstance,
  Snapshot,
  WorkloadProfile,
} from '../market/types.js';
import { LIVE_STATES, marketNode } from '../service/nodeViews.js';
import { deepFreeze, SnapshotCache, type InstanceRow, type LiveInstance } from './snapshotCache.js';

export interface SnapshotRead {
  snapshot: Snapshot;
  /** Version of every node in the snapshot. */
  nodeVersions: ReadonlyMap<string, number>;
  /** Version of every live instance in the snapshot. */
  instanceVersions: ReadonlyMap<string, number>;
  /**
   * Every live instance's row, profile and (when the round reads history, `historySamples > 0`) recent feedback, in
   * snapshot order: what status reads show, true as of this snapshot.
   */
  live: readonly LiveInstance[];
  /** Whether `live[i].history` holds the instance's latest samples (false when `historySamples` is 0). */
  historyRead: boolean;
}

/** IN lists are split so that no statement comes near PostgreSQL's 65,535 parameters. */
const IN_CHUNK = 5000;

export async function inChunks<T>(ids: readonly string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += IN_CHUNK) {
    // One push per row: spreading a chunk's rows into push() passes them as arguments, and a history read returns
    // ids × historySamples rows (2,000 × 288 overflowed the call stack).
    for (const row of await query(ids.slice(i, i + IN_CHUNK))) out.push(row);
  }
  return out;
}

/** A stored feedback row as the engine sees it (slowdown only when reported). */
function sampleOf(r: { at: number | bigint; cpu: number; memory: number; network: number; slowdown: number | null }): FeedbackSample {
  const sample: FeedbackSample = { at: Number(r.at), cpu: r.cpu, memory: r.memory, network: r.network };
  if (r.slowdown !== null) sample.slowdown = r.slowdown;
  return sample;
}

function addSample<S>(byInstance: Map<string, S[]>, instanceId: string, sample: S): void {
  let list = byInstance.get(instanceId);
  if (!list) byInstance.set(instanceId, (list = []));
  list.push(sample);
}

/**
 * The most recent `limit` samples of each given instance, oldest first: one index range scan per instance
 * (feedback_instance_at_idx) through a lateral subquery, so the cost does not grow with an instance's total history.
 */
async function recentHistory(db: Executor, instanceIds: readonly string[], limit: number) {
  const byInstance = new Map<string, FeedbackSample[]>();
  if (instanceIds.length === 0 || limit === 0) return byInstance;
  const recent = db
    .select({
      id: feedback.id,
      at: feedback.at,
      cpu: feedback.cpu,
      memory: feedback.memory,
      network: feedback.network,
      slowdown: feedback.slowdown,
    })
    .from(feedback)
    .where(eq(feedback.instanceId, instances.id))
    .orderBy(desc(feedback.at), desc(feedback.id))
    .limit(limit)
    .as('recent');
  const rows = await inChunks(instanceIds, (chunk) =>
    db
      .select({
        instanceId: instances.id,
        at: recent.at,
        cpu: recent.cpu,
        memory: recent.memory,
        network: recent.network,
        slowdown: recent.slowdown,
      })
      .from(instances)
      .innerJoinLateral(recent, sql`true`)
      .where(inArray(instances.id, chunk))
      .orderBy(asc(instances.id), asc(recent.at), asc(recent.id)),
  );
  for (const r of rows) addSample(byInstance, r.instanceId, sampleOf(r));
  return byInstance;
}

/**
 * The samples of each given instance stored after the given feedback id, oldest first by (at, id): one index range
 * scan per instance (feedback_instance_id_idx), so the cost is the new samples', not the history window's.
 */
async function newerSamples(db: Executor, after: readonly (readonly [string, number])[]) {
  const byInstance = new Map<string, (FeedbackSample & { id: number })[]>();
  for (let i = 0; i < after.length; i += IN_CHUNK) {
    const chunk = after.slice(i, i + IN_CHUNK);
    const values = sql.join(chunk.map(([id, last]) => sql`(${id}::text, ${last}::bigint)`), sql`, `);
    // A lateral subquery per instance, as in recentHistory: a join against the VALUES list may be planned as a scan
    // of the whole feedback table.
    const newer = db
      .select({ id: feedback.id, at: feedback.at, cpu: feedback.cpu, memory: feedback.memory, network: feedback.network, slowdown: feedback.slowdown })
      .from(feedback)
      .where(and(eq(feedback.instanceId, sql`v.instance_id`), gt(feedback.id, sql`v.after`)))
      .orderBy(asc(feedback.id))
      .as('newer');
    const rows = await db
      .select({ instanceId: sql<string>`v.instance_id`, id: newer.id, at: newer.at, cpu: newer.cpu, memory: newer.memory, network: newer.network, slowdown: newer.slowdown })
      .from(sql`(values ${values}) as v(instance_id, after)`)
      .innerJoinLateral(newer, sql`true`)
      .orderBy(sql`v.instance_id`, asc(newer.at), asc(newer.id));
    for (const r of rows) addSample(byInstance, r.instanceId, { id: r.id, ...sampleOf(r) });
  }
  return byInstance;
}

/**
 * The latest `limit` samples of `history` (the latest `limit` of all earlier samples, oldest first) and `added`
 * (every sample stored since, oldest first): exactly the window a whole read would give. Added samples have larger
 * ids than every earlier one, so at an equal time they sort after them, as the whole read orders by (at, id).
 */
export function mergeWindow(history: readonly FeedbackSample[], added: readonly (FeedbackSample & { id: number })[], limit: number): FeedbackSample[] {
  const out: FeedbackSample[] = [];
  let i = 0;
  let j = 0;
  while (i < history.length || j < added.length) {
    const takeOld = j >= added.length || (i < history.length && history[i]!.at <= added[j]!.at);
    if (takeOld) out.push(history[i++]!);
    else {
      const { id: _id, ...sample } = added[j++]!;
      out.push(sample);
    }
  }
  return out.length > limit ? out.slice(out.length - limit) : out;
}

function runningInstance(i: InstanceRow, profile: WorkloadProfile, history: FeedbackSample[]): RunningInstance {
  return {
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
    history,
    notice: i.notice,
  };
}

/** Live instance rows (with their profiles) matching `where`. */
function liveRows(db: Executor, where: SQL | undefined) {
  return db
    .select({ instance: instances, profile: profiles.spec })
    .from(instances)
    .innerJoin(bids, eq(bids.id, instances.bidId))
    .innerJoin(profiles, eq(profiles.id, bids.profileId))
    .where(and(inArray(instances.state, [...LIVE_STATES]), where));
}

async function readInstances(db: Executor, historySamples: number, cache: SnapshotCache) {
  const keys = await db
    .select({ id: instances.id, version: instances.version, feedbackCount: instances.feedbackCount, lastFeedbackId: instances.lastFeedbackId })
    .from(instances)
    .where(inArray(instances.state, [...LIVE_STATES]))
    .orderBy(asc(instances.startedAt), asc(instances.id));

  const stale = keys.filter((k) => cache.instances.get(k.id)?.row.version !== k.version).map((k) => k.id);
  // Most rows changed (the first round): one scan of the live rows beats an IN list of most of them.
  const fetched =
    stale.length > keys.length / 2
      ? await liveRows(db, undefined)
      : await inChunks(stale, (chunk) => liveRows(db, inArray(instances.id, chunk)));
  for (const { instance: row, profile } of fetched) {
    const entry = cache.instances.get(row.id);
    if (entry) {
      entry.row = row;
      entry.running = null;
    } else {
      cache.instances.set(row.id, { row, profile, history: null, feedbackCount: -1, historyLastId: -1, running: null });
    }
  }

  const wantHistory = historySamples > 0;
  const changed = wantHistory ? keys.filter((k) => cache.instances.get(k.id)!.feedbackCount !== k.feedbackCount) : [];
  // A cached history is brought up to date with only the samples stored since it was read (ids above its
  // historyLastId: newerSamples); one read before, or whose new samples do not add up to the count, is read whole.
  const histories = new Map<string, FeedbackSample[]>();
  const extendable = changed.filter((k) => {
    const entry = cache.instances.get(k.id)!;
    return entry.history !== null && entry.historyLastId >= 0 && k.lastFeedbackId > entry.historyLastId;
  });
  const newer = await newerSamples(db, extendable.map((k) => [k.id, cache.instances.get(k.id)!.historyLastId] as const));
  const whole: string[] = [];
  for (const k of changed) {
    const entry = cache.instances.get(k.id)!;
    const added = newer.get(k.id);
    if (added && added.length === k.feedbackCount - entry.feedbackCount) histories.set(k.id, mergeWindow(entry.history!, added, historySamples));
    else whole.push(k.id);
  }
  for (const [id, history] of await recentHistory(db, whole, historySamples)) histories.set(id, history);

  const live: LiveInstance[] = new Array(keys.length);
  const running: RunningInstance[] = new Array(keys.length);
  keys.forEach((k, i) => {
    const entry = cache.instances.get(k.id)!;
    if (!wantHistory) {
      if (entry.history === null || entry.history.length > 0) entry.running = null;
      entry.history = [];
    } else if (entry.feedbackCount !== k.feedbackCount) {
      entry.history = histories.get(k.id) ?? [];
      entry.feedbackCount = k.feedbackCount;
      entry.historyLastId = k.lastFeedbackId;
      entry.running = null;
    }
    // Feedback raises the row's count and last id without bumping its version: keep the cached row exact.
    if (entry.row.feedbackCount !== k.feedbackCount || entry.row.lastFeedbackId !== k.lastFeedbackId) {
      entry.row = { ...entry.row, feedbackCount: k.feedbackCount, lastFeedbackId: k.lastFeedbackId };
    }
    entry.running ??= deepFreeze(runningInstance(entry.row, entry.profile, entry.history!));
    live[i] = entry;
    running[i] = entry.running;
  });
  return { keys, live, running, historyRead: wantHistory };
}

async function readPendingBids(db: Executor, cache: SnapshotCache): Promise<PendingBid[]> {
  const ids = await db
    .select({ id: bids.id })
    .from(bids)
    .where(eq(bids.state, 'pending'))
    .orderBy(asc(bids.submittedAt), asc(bids.id));
  const unseen = ids.filter((b) => !cache.bids.has(b.id)).map((b) => b.id);
  const rows = await inChunks(unseen, (chunk) =>
    db
      .select({
        id: bids.id,
        clientId: bids.clientId,
        profileId: bids.profileId,
        price: bids.price,
        priority: bids.priority,
        count: bids.count,
        uninterruptible: bids.uninterruptible,
        penalty: bids.penalty,
        maxWaitSeconds: bids.maxWaitSeconds,
        submittedAt: bids.submittedAt,
      })
      .from(bids)
      .where(inArray(bids.id, chunk)),
  );
  const unknownProfiles = [...new Set(rows.map((b) => b.profileId).filter((id) => !cache.profiles.has(id)))];
  const profileRows = await inChunks(unknownProfiles, (chunk) =>
    db.select({ id: profiles.id, spec: profiles.spec }).from(profiles).where(inArray(profiles.id, chunk)),
  );
  for (const p of profileRows) cache.profiles.set(p.id, p.spec);
  for (const b of rows) {
    const bid: PendingBid = {
      id: b.id,
      clientId: b.clientId,
      profileId: b.profileId,
      profile: cache.profiles.get(b.profileId)!,
      price: b.price,
      count: b.count,
      uninterruptible: b.uninterruptible,
      submittedAt: b.submittedAt,
    };
    if (b.priority !== null) bid.priority = b.priority;
    if (b.penalty !== null) bid.penalty = b.penalty;
    if (b.maxWaitSeconds !== null) bid.maxWaitSeconds = b.maxWaitSeconds;
    cache.bids.set(b.id, deepFreeze(bid));
  }
  return ids.map((b) => cache.bids.get(b.id)!);
}

/**
 * Half-lives after which a priority reduction is left out of the snapshot: it then counts for less than 2⁻³⁰ of its
 * amount (under 1e-7 priority points for the largest reduction a bid can carry) and of one violation.
 */
export const LEDGER_HALF_LIVES = 30;

export interface SnapshotOptions {
  /** Recent feedback samples per instance (config `historySamples`). */
  historySamples: number;
  /** The engine's `priorityReductionHalfLifeSeconds`, which bounds the ledger read (LEDGER_HALF_LIVES). */
  ledgerHalfLifeSeconds: number;
  /** What earlier rounds read (see snapshotCache.ts); without one everything is read. */
  cache?: SnapshotCache;
}

/**
 * The ledger entries the engine reads: priority reductions (fees never enter a decision: src/market/ledger.ts)
 * younger than LEDGER_HALF_LIVES half-lives, so the read stays bounded however long the service runs.
 */
function readLedger(db: Executor, now: number, halfLifeSeconds: number) {
  const since = now - LEDGER_HALF_LIVES * halfLifeSeconds * 1000;
  return db
    .select()
    .from(ledger)
    .where(and(eq(ledger.kind, 'priority_reduction'), gt(ledger.at, since)))
    .orderBy(asc(ledger.id));
}

/**
 * Reads a snapshot in a transaction of its own: repeatable read, so every table is read at one committed state, and
 * read only. What the clearing loop and the quotes' reader (quoteSnapshots.ts) run.
 */
export function readSnapshotConsistent(db: Db, now: number, options: SnapshotOptions): Promise<SnapshotRead> {
  return db.transaction((tx) => readSnapshot(tx, now, options), { isolationLevel: 'repeatable read', accessMode: 'read only' });
}

/** Reads the round's snapshot in the caller's transaction. */
export async function readSnapshot(db: Executor, now: number, options: SnapshotOptions): Promise<SnapshotRead> {
  const { historySamples, cache = new SnapshotCache() } = options;
  const nodeRows = await db.select().from(nodes).where(isNull(nodes.removedAt)).orderBy(asc(nodes.id));
  const { keys, live, running, historyRead } = await readInstances(db, historySamples, cache);
  const pending = await readPendingBids(db, cache);
  const ledgerRows = await readLedger(db, now, options.ledgerHalfLifeSeconds);
  cache.retain(new Set(keys.map((k) => k.id)), new Set(pending.map((b) => b.id)));

  const entries: LedgerEntry[] = ledgerRows.map((l) => ({
    clientId: l.clientId,
    kind: l.kind,
    amount: l.amount,
    at: l.at,
    instanceId: l.instanceId,
    reason: l.reason as ReasonCode,
  }));
  return {
    snapshot: { now, nodes: nodeRows.map(marketNode), instances: running, bids: pending, ledger: entries },
    nodeVersions: new Map(nodeRows.map((n) => [n.id, n.version])),
    instanceVersions: new Map(keys.map((k) => [k.id, k.version])),
    live,
    historyRead,
  };
}

