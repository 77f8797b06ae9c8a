/**
 * The incremental snapshot read, on both drivers: with a SnapshotCache that has seen earlier rounds, readSnapshot
 * gives exactly the snapshot a fresh read gives after every kind of change (placement, feedback, notice, move,
 * completion, withdrawal, new bids, writes that bypass this process), and reuses the objects of what did not change;
 * and a round rewrites a pending bid's deferral only when it changed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { bids, feedback, instances, ledger } from '../../src/db/schema.js';
import { inChunks, LEDGER_HALF_LIVES, readSnapshotConsistent, type SnapshotRead } from '../../src/scheduler/snapshot.js';
import { SnapshotCache } from '../../src/scheduler/snapshotCache.js';
import { applyPlan } from '../../src/scheduler/applyPlan.js';
import { randomId } from '../../src/service/context.js';
import { driverName } from '../helpers/database.js';
import { smallNodes, webProfile } from '../helpers/fixtures.js';
import { call, loopFor, snapshotOptions, useTestService } from '../helpers/service.js';

const env = useTestService(async (s) => {
  for (const n of smallNodes(3, 'sc')) expect((await call(s.app, 'POST', '/nodes', { token: s.operatorToken, body: n })).status).toBe(201);
});

const read = (cache?: SnapshotCache, historySamples = 60): Promise<SnapshotRead> =>
  readSnapshotConsistent(env.database.db, env.svc.clock.now(), snapshotOptions(env.svc, cache, historySamples));

/** The cached read equals a fresh one, field for field (versions and status rows included). */
async function expectSameAsFresh(cache: SnapshotCache, historySamples = 60): Promise<SnapshotRead> {
  const cached = await read(cache, historySamples);
  const fresh = await read(undefined, historySamples);
  expect(cached.snapshot).toEqual(fresh.snapshot);
  expect(cached.instanceVersions).toEqual(fresh.instanceVersions);
  expect(cached.nodeVersions).toEqual(fresh.nodeVersions);
  expect(cached.live.map((l) => l.row)).toEqual(fresh.live.map((l) => l.row));
  return cached;
}

async function feedbackFor(apiKey: string, instanceId: string, minutesAgo: number[]) {
  const now = env.svc.clock.now();
  const samples = minutesAgo.map((m, i) => ({ at: new Date(now - m * 60_000).toISOString(), cpu: 1 + i / 10, memory: 1500, network: 50 }));
  const res = await call(env.svc.app, 'POST', '/provide_runtime_feedback', { token: apiKey, body: { instanceId, samples } });
  expect(res.status).toBe(202);
}

/** A new client with one instance placed by a round, and that instance as the snapshot reads it. */
async function placedInstance() {
  const { svc } = env;
  const client = await svc.newClient();
  const profile = await call(svc.app, 'POST', '/submit_workload_profile', { token: client.apiKey, body: webProfile() });
  await call(svc.app, 'POST', '/submit_bid', { token: client.apiKey, body: { profileId: profile.body.profileId, price: 5 } });
  await svc.round();
  const [mine] = (await read()).live.filter((l) => l.row.clientId === client.clientId);
  return { client, mine: mine! };
}

describe(`incremental snapshot read on ${driverName}`, () => {
  it('matches a fresh read after every kind of change, and reuses what did not change', async () => {
    const { svc } = env;
    const cache = new SnapshotCache();
    const client = await svc.newClient();
    const profile = await call(svc.app, 'POST', '/submit_workload_profile', { token: client.apiKey, body: webProfile() });
    const profileId = profile.body.profileId as string;
    const bid = async (price = 5, count = 1) =>
      (await call(svc.app, 'POST', '/submit_bid', { token: client.apiKey, body: { profileId, price, count } })).body.bidId as string;

    await bid(5, 3);
    const pendingBid = await bid(5, 1000); // more instances than the nodes hold: stays pending while others change
    let before = await expectSameAsFresh(cache);
    expect(before.snapshot.bids.map((b) => b.id)).toContain(pendingBid);

    await svc.round(); // placement: three new instances
    let after = await expectSameAsFresh(cache);
    expect(after.snapshot.instances.length).toBe(before.snapshot.instances.length + 3);
    // The still-pending bid is the same object as in the last read: nothing about it was read again.
    const pendingBefore = before.snapshot.bids.find((b) => b.id === pendingBid);
    expect(after.snapshot.bids.find((b) => b.id === pendingBid)).toBe(pendingBefore);

    const ids = after.live.filter((l) => l.row.clientId === client.clientId).map((l) => l.row.id);
    expect(ids).toHaveLength(3);
    const [a, b, c] = ids as [string, string, string];

    // Feedback on one instance: only its history (and engine view) is new.
    before = after;
    await feedbackFor(client.apiKey, a, [30, 20, 10]);
    after = await expectSameAsFresh(cache);
    const view = (r: SnapshotRead, id: string) => r.snapshot.instances.find((i) => i.id === id)!;
    expect(view(after, a).history).toHaveLength(3);
    expect(view(after, a)).not.toBe(view(before, a));
    expect(view(after, b)).toBe(view(before, b));

    // A late sample, older than the ones stored, changes the history without changing its newest sample.
    await feedbackFor(client.apiKey, a, [25]);
    after = await expectSameAsFresh(cache);
    expect(view(after, a).history.map((h) => h.at)).toEqual([...view(after, a).history.map((h) => h.at)].sort((x, y) => x - y));
    expect(view(after, a).history).toHaveLength(4);

    // A write that bypasses this process's services (another process): a notice given directly in the database.
    before = after;
    const deadline = svc.clock.now() + 120_000;
    await env.database.db
      .update(instances)
      .set({
        state: 'notified',
        notice: { reason: 'drain', noticeGivenSeconds: 120, deadline, noticedAt: svc.clock.now(), preemptorId: null, penalty: null, moveToNodeId: null },
        version: sql`${instances.version} + 1`,
      })
      .where(eq(instances.id, b));
    after = await expectSameAsFresh(cache);
    expect(view(after, b).state).toBe('notified');
    expect(view(after, c)).toBe(view(before, c));

    // Past the deadline the round preempts it; the instance leaves the snapshot.
    svc.clock.advance(121_000);
    await svc.round();
    after = await expectSameAsFresh(cache);
    expect(after.snapshot.instances.some((i) => i.id === b)).toBe(false);

    // Withdrawal of the pending bid; a new bid.
    await call(svc.app, 'DELETE', `/bids/${pendingBid}`, { token: client.apiKey });
    const fresh = await bid(5, 1000);
    after = await expectSameAsFresh(cache);
    expect(after.snapshot.bids.map((x) => x.id)).not.toContain(pendingBid);
    expect(after.snapshot.bids.map((x) => x.id)).toContain(fresh);

    // Completion: the declared runtime (3600 s) elapses.
    svc.clock.advance(3_600_000);
    await svc.round();
    after = await expectSameAsFresh(cache);
    expect(after.snapshot.instances.some((i) => ids.includes(i.id))).toBe(false);
    expect(cache.instances.has(a)).toBe(false);
  });

  it('keeps the history window at the configured size, and reads none when it is 0', async () => {
    const { svc } = env;
    const cache = new SnapshotCache();
    const { client, mine } = await placedInstance();
    await feedbackFor(client.apiKey, mine.row.id, [5, 4, 3, 2, 1]);
    const three = await expectSameAsFresh(cache, 3);
    const history = three.snapshot.instances.find((i) => i.id === mine.row.id)!.history;
    expect(history.map((h) => h.cpu)).toEqual([1.2, 1.3, 1.4]);
    const none = await expectSameAsFresh(new SnapshotCache(), 0);
    expect(none.historyRead).toBe(false);
    expect(none.snapshot.instances.every((i) => i.history.length === 0)).toBe(true);
  });
});

describe(`feedback counts on ${driverName}`, () => {
  it('counts every stored sample on the instance, and the migration backfills existing counts', async () => {
    const { svc } = env;
    const { client, mine } = await placedInstance();
    const id = mine.row.id;
    await feedbackFor(client.apiKey, id, [3, 2, 1]);
    const countOf = async () => (await env.database.db.select({ n: instances.feedbackCount }).from(instances).where(eq(instances.id, id)))[0]!.n;
    expect(await countOf()).toBe(3);

    // The backfill statement of drizzle/0001 recounts from the feedback table.
    await env.database.db.update(instances).set({ feedbackCount: 0 }).where(eq(instances.id, id));
    const migration = readFileSync(new URL('../../drizzle/0001_instance_feedback_count.sql', import.meta.url), 'utf8');
    const backfill = migration.split('--> statement-breakpoint').map((s) => s.replace(/^\s*--.*$/gm, '').trim()).find((s) => s.startsWith('UPDATE'));
    expect(backfill).toBeDefined();
    await env.database.db.execute(sql.raw(backfill!));
    expect(await countOf()).toBe(3);
    const [stored] = await env.database.db.select({ n: sql<number>`count(*)::int` }).from(feedback).where(eq(feedback.instanceId, id));
    expect(stored!.n).toBe(3);
  });
});

describe(`incremental history on ${driverName}`, () => {
  it('reads only the samples stored since, and gives the window a whole read gives (late, tied, overflowing)', async () => {
    const cache = new SnapshotCache();
    const { client, mine } = await placedInstance();
    const id = mine.row.id;
    const window = 4;
    await feedbackFor(client.apiKey, id, [10, 9, 8, 7, 6]);
    await expectSameAsFresh(cache, window);
    const before = cache.instances.get(id)!;
    expect(before.history).toHaveLength(window);
    const [row] = await env.database.db.select({ last: instances.lastFeedbackId }).from(instances).where(eq(instances.id, id));
    expect(before.historyLastId).toBe(row!.last);
    // A late sample older than the window, one at the same time as a cached one, and newer ones.
    await feedbackFor(client.apiKey, id, [30]);
    await feedbackFor(client.apiKey, id, [6]);
    await feedbackFor(client.apiKey, id, [2, 1]);
    await expectSameAsFresh(cache, window);
    expect(cache.instances.get(id)!.history).toHaveLength(window);
    // Stored around the ingestion (no last id kept): the counts do not add up, so the history is read whole.
    const now = env.svc.clock.now();
    await env.database.db.insert(feedback).values({ instanceId: id, clientId: client.clientId, at: now - 500, cpu: 9, memory: 9, network: 9, receivedAt: now });
    await env.database.db.update(instances).set({ feedbackCount: sql`${instances.feedbackCount} + 1` }).where(eq(instances.id, id));
    await feedbackFor(client.apiKey, id, [0.1]);
    await expectSameAsFresh(cache, window);
  });

  it('the migration backfills each instance\'s last feedback id', async () => {
    const { client, mine } = await placedInstance();
    const id = mine.row.id;
    await feedbackFor(client.apiKey, id, [3, 2, 1]);
    const lastOf = async () => (await env.database.db.select({ n: instances.lastFeedbackId }).from(instances).where(eq(instances.id, id)))[0]!.n;
    const [max] = await env.database.db.select({ n: sql<number>`max(${feedback.id})::bigint` }).from(feedback).where(eq(feedback.instanceId, id));
    expect(await lastOf()).toBe(Number(max!.n));
    await env.database.db.update(instances).set({ lastFeedbackId: 0 }).where(eq(instances.id, id));
    const migration = readFileSync(new URL('../../drizzle/0003_instance_last_feedback_id.sql', import.meta.url), 'utf8');
    const backfill = migration.split('--> statement-breakpoint').map((s) => s.replace(/^\s*--.*$/gm, '').trim()).find((s) => s.startsWith('UPDATE'));
    expect(backfill).toBeDefined();
    await env.database.db.execute(sql.raw(backfill!));
    expect(await lastOf()).toBe(Number(max!.n));
  });
});

describe('chunked reads', () => {
  it('collect any number of rows (a history read returns instances × historySamples of them)', async () => {
    const ids = Array.from({ length: 7000 }, (_, i) => `in_${i}`);
    const chunks: number[] = [];
    const rows = await inChunks(ids, async (chunk) => {
      chunks.push(chunk.length);
      return new Array<number>(chunk.length * 288).fill(chunks.length); // 2,016,000 rows in all
    });
    expect(chunks).toEqual([5000, 2000]);
    expect(rows).toHaveLength(7000 * 288);
    expect(rows[0]).toBe(1);
    expect(rows.at(-1)).toBe(2);
  });
});

describe(`recorded predictions on ${driverName}`, () => {
  it('takes in the rows a plan re-predicted, exactly as committed, so the next read does not fetch them again', async () => {
    const { svc } = env;
    const cache = new SnapshotCache();
    const { client, mine } = await placedInstance();
    await expectSameAsFresh(cache);
    await feedbackFor(client.apiKey, mine.row.id, [3, 2, 1]);
    // One round as the loop runs it: snapshot through the cache, plan, apply, then the cache takes in what was written.
    const snap = await read(cache);
    const models = svc.ctx.predictions.current();
    const plan = svc.ctx.engine.clearRound(snap.snapshot, { predictor: models.predictor, interference: models.interference, random: svc.ctx.engine.random(1) });
    const applied = await env.database.db.transaction((tx) => applyPlan(tx, snap, plan, { newId: randomId, attempts: 1 }));
    const written = applied.predicted.find((p) => p.instanceId === mine.row.id);
    expect(written).toBeDefined();
    cache.recordPredictions(applied.predicted);
    const patched = cache.instances.get(mine.row.id)!.row;
    expect(patched.prediction).toEqual(written!.prediction);

    const next = await expectSameAsFresh(cache); // row, version and prediction as the database holds them
    expect(next.live.find((l) => l.row.id === mine.row.id)!.row).toBe(patched); // not fetched again
  });
});

describe(`deferred bids on ${driverName}`, () => {
  it('a round writes a pending bid\'s deferral only when it differs from what the last round of this loop wrote', async () => {
    const { svc } = env;
    const client = await svc.newClient();
    const profile = await call(svc.app, 'POST', '/submit_workload_profile', { token: client.apiKey, body: webProfile() });
    const big = await call(svc.app, 'POST', '/submit_bid', {
      token: client.apiKey,
      body: { profileId: profile.body.profileId, price: 5, count: 1000 }, // more than the cluster holds: deferred
    });
    const bidId = big.body.bidId as string;
    const loop = loopFor(svc);
    await loop.runRound();
    const stored = async () => (await env.database.db.select({ reason: bids.reason, detail: bids.detail }).from(bids).where(eq(bids.id, bidId)))[0]!;
    const first = await stored();
    expect(first.reason).not.toBeNull();
    // Mark the row: a round that rewrote the same deferral would overwrite the mark.
    await env.database.db.update(bids).set({ detail: 'marker' }).where(eq(bids.id, bidId));
    await loop.runRound();
    expect((await stored()).detail).toBe('marker');
    // Another loop (another process, or after a restart) has no record of it and writes its deferral.
    await loopFor(svc).runRound();
    expect(await stored()).toEqual(first);
    await call(svc.app, 'DELETE', `/bids/${bidId}`, { token: client.apiKey });
  });
});

describe(`ledger read on ${driverName}`, () => {
  it('holds the priority reductions that still count, not fees or reductions decayed to nothing', async () => {
    const { svc } = env;
    const { client, mine } = await placedInstance();
    const now = svc.clock.now();
    const halfLifeMs = svc.ctx.engine.config.priorityReductionHalfLifeSeconds * 1000;
    const entry = (kind: 'fee' | 'priority_reduction', ageMs: number, amount: number) => ({
      clientId: client.clientId, kind, amount, at: now - ageMs, instanceId: mine.row.id, reason: 'profile_violation',
    });
    await env.database.db.insert(ledger).values([
      entry('priority_reduction', LEDGER_HALF_LIVES * halfLifeMs + 1, 40), // counts for 2⁻³⁰ of 40 points: left out
      entry('priority_reduction', 2 * halfLifeMs, 20), // still 5 points
      entry('fee', 1000, 3), // fees never enter a decision
    ]);
    const mineInLedger = (await read()).snapshot.ledger.filter((e) => e.clientId === client.clientId);
    expect(mineInLedger).toEqual([expect.objectContaining({ kind: 'priority_reduction', amount: 20, at: now - 2 * halfLifeMs })]);
  });
});
