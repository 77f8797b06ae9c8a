/**
 * The persistence suite, written once and run on both drivers: in-memory PGlite by default, PostgreSQL when
 * TEST_DATABASE_URL is set (each run in a fresh database). It checks the optimistic-concurrency apply step, the
 * memory invariant, idempotency under concurrency and migrations.
 */
import { describe, expect, it } from 'vitest';
import { and, count, eq, inArray } from 'drizzle-orm';
import { pino } from 'pino';
import { bids, idempotencyKeys, instances, nodes } from '../../src/db/schema.js';
import type { Plan } from '../../src/market/types.js';
import { applyPlan, OvercommitError, PlanConflict } from '../../src/scheduler/applyPlan.js';
import { ClearingLoop } from '../../src/scheduler/loop.js';
import { randomId } from '../../src/service/context.js';
import { addNode } from '../../src/service/addNode.js';
import { drainNode } from '../../src/service/drainNode.js';
import { submitBid } from '../../src/service/submitBid.js';
import { submitWorkloadProfile } from '../../src/service/submitWorkloadProfile.js';
import { withdrawBid } from '../../src/service/withdrawBid.js';
import { driverName } from '../helpers/database.js';
import { smallNodes, webProfile } from '../helpers/fixtures.js';
import { planNow, useTestService } from '../helpers/service.js';


const env = useTestService();

/** Fresh nodes and a client with a profile, so each test works on its own slice of the market. */
async function scenario(nodeCount: number, profile = webProfile()) {
  const prefix = randomId('n');
  for (const node of smallNodes(nodeCount, prefix)) await addNode({ ctx: env.svc.ctx, input: node });
  const client = await env.svc.newClient();
  const { profileId } = await submitWorkloadProfile({ ctx: env.svc.ctx, clientId: client.clientId, input: profile });
  const bid = async (price = 5, count = 1) =>
    (
      await submitBid({
        ctx: env.svc.ctx,
        clientId: client.clientId,
        input: { profileId, price, count, uninterruptible: false },
        idempotencyKey: undefined,
      })
    ).body.bidId;
  return { ...client, profileId, bid, nodeIds: smallNodes(nodeCount, prefix).map((n) => n.id) };
}

const plan = () => planNow(env.svc);

const apply = (read: Awaited<ReturnType<typeof plan>>['read'], p: Plan) =>
  env.database.db.transaction((tx) => applyPlan(tx, read, p, { newId: randomId, attempts: 1 }));

async function instancesOf(bidIds: string[]) {
  return env.database.db.select().from(instances).where(inArray(instances.bidId, bidIds));
}

describe(`persistence on ${driverName}`, () => {
  it('applies a plan whose inputs are unchanged', async () => {
    const s = await scenario(2);
    const bidId = await s.bid();
    const { read, plan: p } = await plan();
    expect(p.placements.map((x) => x.bidId)).toContain(bidId);
    await apply(read, p);
    expect(await instancesOf([bidId])).toHaveLength(1);
  });

  it('rolls the whole plan back when a placed bid was withdrawn meanwhile', async () => {
    const s = await scenario(2);
    const kept = await s.bid();
    const withdrawn = await s.bid();
    const { read, plan: p } = await plan();
    expect(p.placements.map((x) => x.bidId)).toEqual(expect.arrayContaining([kept, withdrawn]));
    await withdrawBid({ ctx: env.svc.ctx, clientId: s.clientId, bidId: withdrawn });
    await expect(apply(read, p)).rejects.toBeInstanceOf(PlanConflict);
    // Nothing of the plan is applied, not even the placement that was still valid.
    expect(await instancesOf([kept, withdrawn])).toHaveLength(0);
    const [row] = await env.database.db.select().from(bids).where(eq(bids.id, kept));
    expect(row!.state).toBe('pending');
  });

  it('rolls back when a node it read was drained meanwhile', async () => {
    const s = await scenario(1);
    const bidId = await s.bid();
    const { read, plan: p } = await plan();
    await drainNode({ ctx: env.svc.ctx, nodeId: s.nodeIds[0]! });
    await expect(apply(read, p)).rejects.toBeInstanceOf(PlanConflict);
    expect(await instancesOf([bidId])).toHaveLength(0);
  });

  it('rolls back the second of two plans computed from the same snapshot', async () => {
    const s = await scenario(2);
    const bidId = await s.bid();
    const first = await plan();
    const second = await plan();
    await apply(first.read, first.plan);
    await expect(apply(second.read, second.plan)).rejects.toBeInstanceOf(PlanConflict);
    expect(await instancesOf([bidId])).toHaveLength(1);
  });

  it('refuses a plan that would exceed a node\'s memory, whatever the engine says', async () => {
    const s = await scenario(1, webProfile({ memory: { avg: 30000, peak: 40000 } }));
    const a = await s.bid();
    const b = await s.bid();
    const { read, plan: p } = await plan();
    const placement = p.placements.find((x) => x.bidId === a) ?? p.placements[0]!;
    // Forge a plan that puts both 40 GiB-peak bids on the same 64 GiB node.
    const forged: Plan = {
      ...p,
      placements: [a, b].map((bidId) => ({ ...placement, bidId, nodeIds: [s.nodeIds[0]!] })),
      outcomes: [],
    };
    await expect(apply(read, forged)).rejects.toBeInstanceOf(OvercommitError);
    expect(await instancesOf([a, b])).toHaveLength(0);
  });

  it('refuses a plan that predicts an instance the snapshot does not hold, and applies nothing of it', async () => {
    const s = await scenario(1);
    const bidId = await s.bid();
    const { read, plan: p } = await plan();
    const forged: Plan = { ...p, predictions: [{ instanceId: 'in_unknown', prediction: p.placements[0]!.predictions[0]! }] };
    await expect(apply(read, forged)).rejects.toBeInstanceOf(PlanConflict);
    expect(await instancesOf([bidId])).toHaveLength(0);
  });

  it('places a bid exactly once when two schedulers run rounds at the same time', async () => {
    const s = await scenario(3);
    const bidId = await s.bid(5, 2);
    const other = new ClearingLoop({
      db: env.database.db,
      clock: env.svc.clock,
      predictions: env.svc.ctx.predictions,
      engine: env.svc.ctx.engine,
      roundMs: 1000,
      historySamples: 60,
      logger: pino({ level: 'silent' }),
      newId: randomId,
    });
    const reports = await Promise.all([env.svc.round(), other.runRound()]);
    expect(reports.every((r) => r.plan !== null)).toBe(true);
    const placed = await instancesOf([bidId]);
    expect(placed).toHaveLength(2);
    expect(new Set(placed.map((i) => i.id)).size).toBe(2);
  });

  it('keeps one bid for concurrent retries with the same Idempotency-Key', async () => {
    const s = await scenario(1);
    const input = { profileId: s.profileId, price: 3, count: 1, uninterruptible: false };
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => submitBid({ ctx: env.svc.ctx, clientId: s.clientId, input, idempotencyKey: 'same' })),
    );
    expect(new Set(responses.map((r) => r.body.bidId)).size).toBe(1);
    const [n] = await env.database.db.select({ n: count() }).from(bids).where(eq(bids.clientId, s.clientId));
    expect(Number(n!.n)).toBe(1);
    const [k] = await env.database.db
      .select({ n: count() })
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.clientId, s.clientId), eq(idempotencyKeys.key, 'same')));
    expect(Number(k!.n)).toBe(1);
  });

  it('never puts more declared peak memory on a node than it has, over many rounds', async () => {
    const s = await scenario(2, webProfile({ memory: { avg: 10000, peak: 20000 } }));
    // 2 nodes × 64 GiB hold at most 3 instances of 20 000 MiB peak each (60 000 ≤ 65 536).
    for (let i = 0; i < 10; i++) await s.bid(5);
    for (let i = 0; i < 3; i++) await env.svc.round();
    const rows = await env.database.db
      .select({ nodeId: instances.nodeId, memory: nodes.memory })
      .from(instances)
      .innerJoin(nodes, eq(nodes.id, instances.nodeId))
      .where(and(inArray(instances.nodeId, s.nodeIds), inArray(instances.state, ['running', 'notified'])));
    const perNode = new Map<string, number>();
    for (const r of rows) perNode.set(r.nodeId, (perNode.get(r.nodeId) ?? 0) + 20000);
    expect(rows.length).toBeGreaterThan(0);
    for (const [, used] of perNode) expect(used).toBeLessThanOrEqual(65536);
  });
});
