/**
 * Feedback arriving while clearing rounds run, on both drivers: every post is accepted and stored. On PostgreSQL the
 * ingestion used to write the instance row twice around its inserts' foreign-key locks, and a round locking every
 * live instance deadlocked with it (a 500 for the client); bench http --lines feedback found it.
 */
import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { feedback } from '../../src/db/schema.js';
import { driverName } from '../helpers/database.js';
import { smallNodes, webProfile } from '../helpers/fixtures.js';
import { call, useTestService } from '../helpers/service.js';

const env = useTestService(async (s) => {
  for (const n of smallNodes(8, 'fc')) expect((await call(s.app, 'POST', '/nodes', { token: s.operatorToken, body: n })).status).toBe(201);
});

describe(`feedback during rounds on ${driverName}`, () => {
  it('accepts and stores every post while rounds lock the live instances', async () => {
    const { svc } = env;
    const client = await svc.newClient();
    const small = webProfile({ cpu: { avg: 0.25, peak: 0.5 }, memory: { avg: 256, peak: 512 }, network: { avg: 5, peak: 10 }, expectedRuntimeSeconds: 86_400 });
    const profileId = (await call(svc.app, 'POST', '/submit_workload_profile', { token: client.apiKey, body: small })).body.profileId;
    const bidId = (await call(svc.app, 'POST', '/submit_bid', { token: client.apiKey, body: { profileId, price: 5, count: 40 } })).body.bidId;
    await svc.round();
    const ids = (await call(svc.app, 'GET', `/bids/${bidId}`, { token: client.apiKey })).body.instanceIds as string[];
    expect(ids).toHaveLength(40);
    let stop = false;
    const rounds = (async () => {
      while (!stop) await svc.round();
    })();
    const statuses: number[] = [];
    let posted = 0;
    for (let wave = 0; wave < 30; wave++) {
      const replies = await Promise.all(
        Array.from({ length: 8 }, (_, k) => {
          const instanceId = ids[(wave * 8 + k) % ids.length]!;
          const samples = [0, 1, 2].map((j) => ({ at: new Date(svc.clock.now() - (3 - j) * 1000).toISOString(), cpu: 0.2, memory: 300, network: 6 }));
          posted += samples.length;
          return call(svc.app, 'POST', '/provide_runtime_feedback', { token: client.apiKey, body: { instanceId, samples } });
        }),
      );
      statuses.push(...replies.map((r) => r.status));
    }
    stop = true;
    await rounds;
    expect(statuses.filter((s) => s !== 202)).toEqual([]);
    const [stored] = await env.database.db.select({ n: count() }).from(feedback).where(eq(feedback.clientId, client.clientId));
    expect(stored!.n).toBe(posted);
  }, 60_000);
});
