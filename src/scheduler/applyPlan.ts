/**
 * Applies a Plan in one transaction after re-checking everything the plan read. Any mismatch throws PlanConflict,
 * which rolls the whole transaction back: a plan is applied completely or not at all, and the caller recomputes it
 * from a fresh snapshot.
 *
 * Re-checks (all under row locks taken with SELECT ... FOR UPDATE):
 * - every node in the snapshot is still present with the same version (not drained, removed or resized);
 * - the set of live instances is exactly the snapshot's, each with the same version (nothing started, stopped,
 *   noticed or moved since);
 * - each placed bid is still pending (conditional `UPDATE ... WHERE state = 'pending'`).
 * Besides the plan's decisions it records the prediction the round decided each running instance with, where that
 * changed (what instance status shows).
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../db/database.js';
import { bids, instances, ledger, nodes, profiles, rounds } from '../db/schema.js';
import type { InstancePrediction, PendingBid, Plan, Prediction, PreemptionNotice, Quantiles } from '../market/types.js';
import { admissionTerms, noticeFor, RESOURCES } from '../market/index.js';
import { LIVE_STATES } from '../service/nodeViews.js';
import type { SnapshotRead } from './snapshot.js';

export class PlanConflict extends Error {
  override name = 'PlanConflict';
}

/**
 * Memory is never overcommitted: the declared memory peaks of a node's live instances must fit its memory (the
 * engine's own hard limit, src/market/chance.ts). 1e-6 MiB absorbs float rounding.
 */
const MEMORY_EPSILON = 1e-6;

export interface ApplyOptions {
  newId(prefix: string): string;
  attempts: number;
  /**
   * What earlier committed rounds of this process wrote as each still-pending bid's deferral (outcomeKey). A deferral
   * equal to it is not written again: with the cluster full, every round defers every pending bid, mostly for the
   * same reason, and rewriting thousands of rows each round dominated the plan transaction.
   */
  deferrals?: ReadonlyMap<string, string>;
}

/** What a deferral writes on its bid (reason, detail, score), as a comparable string. */
export const outcomeKey = (o: Plan['outcomes'][number]): string => JSON.stringify([o.reason, o.detail, o.score]);

export interface Applied {
  /** The deferrals written by this plan, by bid id (outcomeKey); valid once the transaction has committed. */
  deferrals: Map<string, string>;
  /** The predictions this plan recorded anew (from Plan.predictions: those that differ from the row's). */
  predicted: InstancePrediction[];
}

export async function applyPlan(tx: Tx, read: SnapshotRead, plan: Plan, options: ApplyOptions): Promise<Applied> {
  const now = plan.now;
  const nodeRows = await tx
    .select({ id: nodes.id, version: nodes.version })
    .from(nodes)
    .where(isNull(nodes.removedAt))
    .for('update');
  const currentNodes = new Map(nodeRows.map((n) => [n.id, n.version]));
  for (const [id, version] of read.nodeVersions) {
    if (currentNodes.get(id) !== version) throw new PlanConflict(`node ${id} changed since the snapshot`);
  }
  const liveRows = await tx
    .select({ id: instances.id, version: instances.version })
    .from(instances)
    .where(inArray(instances.state, [...LIVE_STATES]))
    .for('update');
  if (liveRows.length !== read.instanceVersions.size) throw new PlanConflict('the set of live instances changed');
  for (const row of liveRows) {
    if (read.instanceVersions.get(row.id) !== row.version) throw new PlanConflict(`instance ${row.id} changed since the snapshot`);
  }

  const snapshotInstances = new Map(read.snapshot.instances.map((i) => [i.id, i]));
  const touched = new Set<string>();
  const touch = (instanceId: string) => {
    if (!snapshotInstances.has(instanceId)) throw new PlanConflict(`plan refers to unknown instance ${instanceId}`);
    if (touched.has(instanceId)) throw new PlanConflict(`plan changes instance ${instanceId} twice`);
    touched.add(instanceId);
    return snapshotInstances.get(instanceId)!;
  };

  for (const t of plan.terminations) {
    const instance = touch(t.instanceId);
    if (t.kind === 'preempted') {
      await tx
        .update(instances)
        .set({ state: 'preempted', endedAt: now, version: sql`${instances.version} + 1` })
        .where(eq(instances.id, t.instanceId));
    } else {
      if (t.nodeId === null || !currentNodes.has(t.nodeId)) throw new PlanConflict(`move target ${t.nodeId} is not a live node`);
      await tx
        .update(instances)
        .set({
          state: 'running',
          nodeId: t.nodeId,
          notice: null,
          movedFrom: [...instance.movedFrom, { nodeId: instance.nodeId, at: now }],
          version: sql`${instances.version} + 1`,
        })
        .where(eq(instances.id, t.instanceId));
    }
  }

  for (const p of plan.preemptions) {
    const instance = touch(p.instanceId);
    const notice: PreemptionNotice = noticeFor(p, now);
    await tx
      .update(instances)
      .set({
        state: 'notified',
        notice,
        interruptions: [...instance.interruptions, now],
        version: sql`${instances.version} + 1`,
      })
      .where(eq(instances.id, p.instanceId));
  }

  const predicted = await writePredictions(tx, read, plan);

  const pendingBids = new Map<string, PendingBid>(read.snapshot.bids.map((b) => [b.id, b]));
  // Placements: every placed bid must still be pending. One conditional UPDATE for all of them (a VALUES list), then
  // one INSERT for all their instances, so a round costs the same few statements however many bids it decides.
  const instanceRows: (typeof instances.$inferInsert)[] = [];
  for (const placement of plan.placements) {
    const bid = pendingBids.get(placement.bidId);
    if (!bid) throw new PlanConflict(`plan places unknown bid ${placement.bidId}`);
    if (placement.nodeIds.length !== bid.count) throw new PlanConflict(`placement of ${bid.id} has the wrong instance count`);
    placement.nodeIds.forEach((nodeId, i) => {
      if (!currentNodes.has(nodeId)) throw new PlanConflict(`placement target ${nodeId} is not a live node`);
      instanceRows.push({
        id: options.newId('in'),
        ...admissionTerms(bid, placement),
        nodeId,
        state: 'running',
        prediction: placement.predictions[i]!,
        interferenceScore: placement.interferenceScores[i] ?? 0,
        score: placement.score,
        interruptions: [],
        movedFrom: [],
        notice: null,
        startedAt: now,
      });
    });
  }
  if (plan.placements.length > 0) {
    const values = sql.join(
      plan.placements.map((p) => sql`(${p.bidId}::text, ${p.price}::float8, ${JSON.stringify(p.score)}::jsonb)`),
      sql`, `,
    );
    const won = await tx
      .update(bids)
      .set({ state: 'won', clearingPrice: sql`v.price`, score: sql`v.score`, reason: null, detail: null, decidedAt: now })
      .from(sql`(values ${values}) as v(id, price, score)`)
      .where(and(eq(bids.id, sql`v.id`), eq(bids.state, 'pending')))
      .returning({ id: bids.id });
    if (won.length !== plan.placements.length) throw new PlanConflict('a placed bid is no longer pending');
    await tx.insert(instances).values(instanceRows);
  }

  // Outcomes do not consume capacity, so a bid withdrawn meanwhile is simply left as the client set it. Deferred
  // bids stay pending (state null keeps it) but record why they wait, unless that is what they already record.
  const deferrals = new Map<string, string>();
  const outcomes = plan.outcomes.filter((o) => {
    if (o.outcome !== 'deferred') return true;
    const key = outcomeKey(o);
    deferrals.set(o.bidId, key);
    return options.deferrals?.get(o.bidId) !== key;
  });
  if (outcomes.length > 0) {
    const values = sql.join(
      outcomes.map(
        (o) =>
          sql`(${o.bidId}::text, ${o.outcome === 'deferred' ? null : o.outcome}::text, ${o.reason}::text, ${o.detail}::text, ${
            o.score === null ? null : JSON.stringify(o.score)
          }::jsonb)`,
      ),
      sql`, `,
    );
    await tx
      .update(bids)
      .set({
        state: sql`coalesce(v.state, ${bids.state})`,
        decidedAt: sql`case when v.state is null then ${bids.decidedAt} else ${now}::bigint end`,
        reason: sql`v.reason`,
        detail: sql`v.detail`,
        score: sql`v.score`,
      })
      .from(sql`(values ${values}) as v(id, state, reason, detail, score)`)
      .where(and(eq(bids.id, sql`v.id`), eq(bids.state, 'pending')));
  }

  if (plan.ledgerEntries.length > 0) {
    await tx.insert(ledger).values(
      plan.ledgerEntries.map((e) => ({
        clientId: e.clientId,
        kind: e.kind,
        amount: e.amount,
        at: e.at,
        instanceId: e.instanceId,
        reason: e.reason,
      })),
    );
  }

  const targets = new Set<string>(plan.placements.flatMap((p) => p.nodeIds));
  for (const t of plan.terminations) if (t.kind === 'moved' && t.nodeId !== null) targets.add(t.nodeId);
  await checkMemoryFits(tx, [...targets]);

  // A drained node with nothing left on it is removed (kept as a row for history). Only a node draining in the
  // snapshot can be: draining bumps a node's version, which the check above would have caught.
  if (read.snapshot.nodes.some((n) => n.draining)) await tx.execute(sql`
    update ${nodes} set removed_at = ${now}, version = version + 1
    where draining and removed_at is null
      and not exists (select 1 from ${instances} i where i.node_id = ${nodes.id} and i.state in ('running', 'notified'))`);

  const changed =
    plan.placements.length + plan.preemptions.length + plan.terminations.length + plan.ledgerEntries.length > 0 ||
    plan.outcomes.some((o) => o.outcome !== 'deferred');
  if (changed) {
    await tx.insert(rounds).values({
      at: now,
      modelVersion: plan.modelVersion,
      clearingPrices: plan.clearingPrices,
      placements: plan.placements.length,
      preemptions: plan.preemptions.length,
      terminations: plan.terminations.length,
      attempts: options.attempts,
    });
  }
  return { deferrals, predicted };
}

const sameQuantiles = (a: Quantiles, b: Quantiles) => a.mean === b.mean && a.p95 === b.p95 && a.p99 === b.p99;
const sameTails = (a: Prediction['modelTails'], b: Prediction['modelTails']) =>
  a === b || (a !== undefined && b !== undefined && RESOURCES.every((r) => a[r].p95 === b[r].p95 && a[r].p99 === b[r].p99));
const samePrediction = (a: Prediction, b: Prediction) =>
  a.modelVersion === b.modelVersion &&
  sameQuantiles(a.cpu, b.cpu) &&
  sameQuantiles(a.memory, b.memory) &&
  sameQuantiles(a.network, b.network) &&
  sameTails(a.modelTails, b.modelTails);

/**
 * Records the round's prediction of each running instance that did not stop this round, where it differs from what
 * the row holds (an instance without new feedback is predicted the same, and is not written again). The version is
 * bumped by one (SnapshotCache.recordPredictions relies on it). Returns what it wrote.
 */
async function writePredictions(tx: Tx, read: SnapshotRead, plan: Plan): Promise<InstancePrediction[]> {
  const stored = new Map(read.live.map((l) => [l.row.id, l.row.prediction]));
  const stopped = new Set(plan.terminations.filter((t) => t.kind === 'preempted').map((t) => t.instanceId));
  const changed = plan.predictions.filter(({ instanceId, prediction }) => {
    const current = stored.get(instanceId);
    if (current === undefined) throw new PlanConflict(`plan predicts unknown instance ${instanceId}`);
    return !stopped.has(instanceId) && !samePrediction(current, prediction);
  });
  if (changed.length > 0) {
    // One parameter: a JSON object from instance id to prediction, unpacked by jsonb_each.
    const byId = JSON.stringify(Object.fromEntries(changed.map((p) => [p.instanceId, p.prediction])));
    await tx
      .update(instances)
      .set({ prediction: sql`v.value`, version: sql`${instances.version} + 1` })
      .from(sql`jsonb_each(${byId}::jsonb) as v`)
      .where(eq(instances.id, sql`v.key`));
  }
  return changed;
}

/** Refuses (rolls back) a plan that would put more declared peak memory on a node it places onto than the node has. */
async function checkMemoryFits(tx: Tx, nodeIds: string[]): Promise<void> {
  if (nodeIds.length === 0) return;
  const over = await tx
    .select({ nodeId: nodes.id })
    .from(nodes)
    .innerJoin(instances, eq(instances.nodeId, nodes.id))
    .innerJoin(bids, eq(bids.id, instances.bidId))
    .innerJoin(profiles, eq(profiles.id, bids.profileId))
    .where(and(inArray(instances.state, [...LIVE_STATES]), inArray(nodes.id, nodeIds)))
    .groupBy(nodes.id, nodes.memory)
    .having(sql`sum((${profiles.spec}->'memory'->>'peak')::float8) > ${nodes.memory} + ${MEMORY_EPSILON}`);
  if (over.length > 0) throw new OvercommitError(over.map((o) => o.nodeId));
}

export class OvercommitError extends Error {
  override name = 'OvercommitError';
  constructor(readonly nodeIds: string[]) {
    super(`plan would exceed the memory of node(s) ${nodeIds.join(', ')}`);
  }
}
