/**
 * Status reads are served from the per-process cache, which the clearing rounds refresh and invalidate instance by
 * instance rather than clear. Each test first makes sure the instance's status is cached (so a stale entry would be
 * served), then changes the instance and reads it again through app.request.
 */
import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { instances } from '../../src/db/schema.js';
import { webProfile } from '../helpers/fixtures.js';
import { call, useTestService } from '../helpers/service.js';

const env = useTestService(async (s) => {
  for (const id of ['f-1', 'f-2']) {
    const node = { id, cpu: 16, memory: 65536, network: 10000, labels: {} };
    expect((await call(s.app, 'POST', '/nodes', { token: s.operatorToken, body: node })).status).toBe(201);
  }
});

async function placed(body: Record<string, unknown> = {}) {
  const { svc } = env;
  const client = await svc.newClient();
  const profile = await call(svc.app, 'POST', '/submit_workload_profile', { token: client.apiKey, body: webProfile() });
  const bid = await call(svc.app, 'POST', '/submit_bid', {
    token: client.apiKey,
    body: { profileId: profile.body.profileId, price: 5, ...body },
  });
  await svc.round();
  const view = await call(svc.app, 'GET', `/bids/${bid.body.bidId}`, { token: client.apiKey });
  expect(view.body.state).toBe('won');
  return { ...client, instanceId: view.body.instanceIds[0] as string };
}

const status = async (apiKey: string, instanceId: string) => {
  const res = await call(env.svc.app, 'GET', `/get_instance_status?instance_id=${instanceId}`, { token: apiKey });
  expect(res.status).toBe(200);
  return res.body;
};

/** Reads the status and checks that it is now in the cache, so the next read would be a cache hit if not invalidated. */
async function cached(apiKey: string, instanceId: string) {
  const body = await status(apiKey, instanceId);
  expect(env.svc.ctx.statusCache.get(instanceId)).toBeDefined();
  return body;
}

describe('status reads after changes', () => {
  it('a round caches every live instance it read, so the first read after a placement is already a hit', async () => {
    const { apiKey, instanceId } = await placed();
    await env.svc.round(); // the round after the placement reads the new instance in its snapshot
    expect(env.svc.ctx.statusCache.get(instanceId)).toBeDefined();
    expect((await status(apiKey, instanceId)).state).toBe('running');
  });

  it('shows feedback stored after the status was cached', async () => {
    const { apiKey, instanceId } = await placed();
    expect((await cached(apiKey, instanceId)).usage).toBeNull();
    const at = new Date(env.svc.clock.now() - 1000).toISOString();
    const fb = await call(env.svc.app, 'POST', '/provide_runtime_feedback', {
      token: apiKey,
      body: { instanceId, samples: [{ at, cpu: 1.25, memory: 1900, network: 75 }] },
    });
    expect(fb.status).toBe(202);
    expect((await status(apiKey, instanceId)).usage).toEqual({ cpu: 1.25, memory: 1900, network: 75, at });
    // The next round refreshes the entry from its snapshot: still the same usage.
    await env.svc.round();
    expect((await cached(apiKey, instanceId)).usage).toEqual({ cpu: 1.25, memory: 1900, network: 75, at });
  });

  it('shows a notice, the move at its deadline and the completion, each right after the round that applied it', async () => {
    const { apiKey, instanceId } = await placed();
    const from = (await cached(apiKey, instanceId)).nodeId as string;
    expect((await call(env.svc.app, 'DELETE', `/nodes/${from}`, { token: env.svc.operatorToken })).status).toBe(202);
    env.svc.clock.advance(301 * 1000); // past the engine's minRuntimeSeconds
    await cached(apiKey, instanceId);
    await env.svc.round();
    const noticed = await status(apiKey, instanceId);
    expect(noticed.state).toBe('notified');
    expect(noticed.preemption.reason).toBe('drain');

    await cached(apiKey, instanceId);
    env.svc.clock.advance(noticed.preemption.noticeGivenSeconds * 1000 + 1);
    await env.svc.round();
    const moved = await status(apiKey, instanceId);
    expect(moved.state).toBe('running');
    expect(moved.nodeId).not.toBe(from);
    expect(moved.preemption).toBeNull();

    await cached(apiKey, instanceId);
    env.svc.clock.advance(3600 * 1000);
    await env.svc.round();
    const done = await status(apiKey, instanceId);
    expect(done.state).toBe('completed');
    expect(done.estimatedRuntimeRemainingSeconds).toBe(0);
  });

  it('shows a change written by another process once a round of this one has read it', async () => {
    const { apiKey, instanceId } = await placed();
    expect((await cached(apiKey, instanceId)).priority.effective).toBe(50);
    // Another process sharing the database changes the row (every instance change bumps its version).
    await env.database.db
      .update(instances)
      .set({ effectivePriority: 42, version: sql`${instances.version} + 1` })
      .where(eq(instances.id, instanceId));
    await env.svc.round();
    expect((await status(apiKey, instanceId)).priority.effective).toBe(42);
  });

  it('never serves one client another client\'s cached instance', async () => {
    const mine = await placed();
    const other = await env.svc.newClient();
    await cached(mine.apiKey, mine.instanceId);
    const res = await call(env.svc.app, 'GET', `/get_instance_status?instance_id=${mine.instanceId}`, { token: other.apiKey });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
  });
});
