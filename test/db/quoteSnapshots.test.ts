/**
 * Quotes read the market incrementally (src/scheduler/quoteSnapshots.ts), on both drivers: what they read equals a
 * fresh snapshot after every kind of change, also right after the clearing loop handed its cache over; concurrent
 * quotes share one read; and a quote answers exactly what the engine answers on a fresh snapshot.
 */
import { describe, expect, it } from 'vitest';
import { readSnapshot } from '../../src/scheduler/snapshot.js';
import { driverName } from '../helpers/database.js';
import { smallNodes, webProfile } from '../helpers/fixtures.js';
import { call, snapshotOptions, useTestService } from '../helpers/service.js';

const env = useTestService(async (s) => {
  for (const n of smallNodes(3, 'qs')) expect((await call(s.app, 'POST', '/nodes', { token: s.operatorToken, body: n })).status).toBe(201);
});

const fresh = async () =>
  (await env.database.db.transaction((tx) => readSnapshot(tx, env.svc.clock.now(), snapshotOptions(env.svc)))).snapshot;

async function client() {
  const c = await env.svc.newClient();
  const profile = await call(env.svc.app, 'POST', '/submit_workload_profile', { token: c.apiKey, body: webProfile() });
  const bid = async (count = 1) =>
    (await call(env.svc.app, 'POST', '/submit_bid', { token: c.apiKey, body: { profileId: profile.body.profileId, price: 5, count } })).body
      .bidId as string;
  return { ...c, profileId: profile.body.profileId as string, bid };
}

describe(`quote snapshots on ${driverName}`, () => {
  it('read what a fresh snapshot reads, after writes and after the loop hands its cache over', async () => {
    const quotes = env.svc.ctx.quoteSnapshots;
    const c = await client();
    expect(await quotes.read()).toEqual(await fresh());

    const pending = await c.bid(2);
    const afterBid = await quotes.read();
    expect(afterBid.bids.map((b) => b.id)).toContain(pending); // committed before the quote: seen
    expect(afterBid).toEqual(await fresh());

    await env.svc.round(); // places it; the loop hands over its cache
    const [instanceId] = (await call(env.svc.app, 'GET', '/instances', { token: c.apiKey })).body.instances.map((i: { instanceId: string }) => i.instanceId);
    const samples = [{ at: new Date(env.svc.clock.now() - 1000).toISOString(), cpu: 3, memory: 3000, network: 300 }];
    await call(env.svc.app, 'POST', '/provide_runtime_feedback', { token: c.apiKey, body: { instanceId, samples } });
    const afterRound = await quotes.read();
    expect(afterRound.instances.find((i) => i.id === instanceId)?.history).toHaveLength(1);
    expect(afterRound).toEqual(await fresh());

    await call(env.svc.app, 'DELETE', `/instances/${instanceId}`, { token: c.apiKey });
    expect(await quotes.read()).toEqual(await fresh());
  });

  it('serves quotes that arrive together from one read', async () => {
    const quotes = env.svc.ctx.quoteSnapshots;
    await quotes.read();
    const before = quotes.reads;
    const [a, b, c] = await Promise.all([quotes.read(), quotes.read(), quotes.read()]);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(quotes.reads).toBe(before + 1);
    // One that arrives while a read runs waits for the next, which it shares with the others that arrived meanwhile.
    const running = quotes.read();
    await new Promise((resolve) => setImmediate(resolve)); // that read has started (it waits on the database)
    const [d, e] = await Promise.all([quotes.read(), quotes.read()]);
    expect(e).toBe(d);
    expect(d).not.toBe(await running);
    expect(quotes.reads).toBe(before + 3);
  });

  it('answers what the engine answers on a fresh snapshot', async () => {
    const c = await client();
    await c.bid(3);
    await env.svc.round();
    await c.bid(1000); // more than fits: pending competition the quote must see
    const res = await call(env.svc.app, 'POST', '/quote', { token: c.apiKey, body: { profileId: c.profileId, price: 5 } });
    expect(res.status).toBe(200);
    const snapshot = await fresh();
    const models = env.svc.ctx.predictions.current();
    const expected = env.svc.ctx.engine.quote(
      snapshot,
      webProfile(),
      { clientId: c.clientId, price: 5, count: 1, uninterruptible: false },
      { predictor: models.predictor, interference: models.interference, random: env.svc.ctx.engine.random(snapshot.now % 2 ** 31) },
    );
    expect(res.body).toEqual(expected);
  });
});
