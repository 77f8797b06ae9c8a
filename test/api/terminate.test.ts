/** DELETE /instances/{id}: a client stops its own instance; retries are idempotent; finished instances answer 409. */
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { ledger } from '../../src/db/schema.js';
import { applyPlan, PlanConflict } from '../../src/scheduler/applyPlan.js';
import { randomId } from '../../src/service/context.js';
import { webProfile } from '../helpers/fixtures.js';
import { call, planNow, useTestService } from '../helpers/service.js';

// One node that holds exactly one instance of the profile below (memory peaks never overcommit).
const env = useTestService(async (s) => {
  const node = { id: 't-1', cpu: 16, memory: 5000, network: 10000, labels: {} };
  expect((await call(s.app, 'POST', '/nodes', { token: s.operatorToken, body: node })).status).toBe(201);
});

async function clientWithProfile() {
  const client = await env.svc.newClient();
  const profile = await call(env.svc.app, 'POST', '/submit_workload_profile', { token: client.apiKey, body: webProfile() });
  return { ...client, profileId: profile.body.profileId as string };
}

async function bidOf(apiKey: string, profileId: string) {
  const res = await call(env.svc.app, 'POST', '/submit_bid', { token: apiKey, body: { profileId, price: 5 } });
  expect(res.status).toBe(201);
  return res.body.bidId as string;
}

const bidView = async (apiKey: string, bidId: string) => (await call(env.svc.app, 'GET', `/bids/${bidId}`, { token: apiKey })).body;
const stop = (apiKey: string, instanceId: string) => call(env.svc.app, 'DELETE', `/instances/${instanceId}`, { token: apiKey });

/** A client whose one instance occupies the node. */
async function running() {
  const c = await clientWithProfile();
  const bidId = await bidOf(c.apiKey, c.profileId);
  await env.svc.round();
  const bid = await bidView(c.apiKey, bidId);
  expect(bid.state).toBe('won');
  return { ...c, instanceId: bid.instanceIds[0] as string };
}

describe('DELETE /instances/{id}', () => {
  it('terminates the caller\'s instance, frees its capacity for the next round, and answers retries the same', async () => {
    const a = await running();
    // The node is full: another bid waits for capacity.
    const b = await clientWithProfile();
    const waiting = await bidOf(b.apiKey, b.profileId);
    await env.svc.round();
    const pending = await bidView(b.apiKey, waiting);
    expect(pending.state).toBe('pending');
    expect(['capacity', 'priority']).toContain(pending.reason); // no room, and it may not displace an equal priority

    // Read first so the status is cached: the termination must show at once.
    expect((await call(env.svc.app, 'GET', `/instances/${a.instanceId}`, { token: a.apiKey })).body.state).toBe('running');
    env.svc.clock.advance(60_000);
    const res = await stop(a.apiKey, a.instanceId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ instanceId: a.instanceId, state: 'terminated', estimatedRuntimeRemainingSeconds: 0, preemption: null });
    const status = await call(env.svc.app, 'GET', `/get_instance_status?instance_id=${a.instanceId}`, { token: a.apiKey });
    expect(status.body).toEqual(res.body);

    const retry = await stop(a.apiKey, a.instanceId);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(res.body);

    // The freed capacity goes to the waiting bid; a voluntary stop leaves nothing in the ledger.
    await env.svc.round();
    expect(await bidView(b.apiKey, waiting)).toMatchObject({ state: 'won' });
    expect(await env.database.db.select().from(ledger).where(eq(ledger.instanceId, a.instanceId))).toEqual([]);
    const done = await call(env.svc.app, 'GET', `/instances/${a.instanceId}`, { token: a.apiKey });
    expect(done.body.state).toBe('terminated');

    // Clean up: stop b's instance so the next test finds the node empty.
    const placed = await bidView(b.apiKey, waiting);
    expect((await stop(b.apiKey, placed.instanceIds[0])).status).toBe(200);
  });

  it('answers 404 for another client\'s instance and for an unknown id, changing nothing', async () => {
    const a = await running();
    const other = await env.svc.newClient();
    for (const [token, id] of [
      [other.apiKey, a.instanceId],
      [a.apiKey, 'in_does_not_exist'],
    ] as const) {
      const res = await stop(token, id);
      expect(res.status).toBe(404);
      expect(res.contentType).toContain('application/problem+json');
      expect(res.body.code).toBe('not_found');
    }
    expect((await call(env.svc.app, 'GET', `/instances/${a.instanceId}`, { token: a.apiKey })).body.state).toBe('running');
    expect((await stop(a.apiKey, a.instanceId)).status).toBe(200);
  });

  it('answers 409 instance_finished for a completed instance, and needs a client key', async () => {
    const a = await running();
    env.svc.clock.advance(3601 * 1000); // past the declared runtime
    await env.svc.round();
    expect((await call(env.svc.app, 'GET', `/instances/${a.instanceId}`, { token: a.apiKey })).body.state).toBe('completed');
    const res = await stop(a.apiKey, a.instanceId);
    expect(res.status).toBe(409);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'instance_finished', status: 409 });
    expect(res.body.detail).toContain('completed');
    expect((await call(env.svc.app, 'DELETE', `/instances/${a.instanceId}`)).status).toBe(401);
    expect((await call(env.svc.app, 'DELETE', `/instances/${a.instanceId}`, { token: env.svc.operatorToken })).status).toBe(403);
  });

  it('stops a notified instance, and a plan computed before the stop is recomputed rather than applied', async () => {
    const a = await running();
    const b = await clientWithProfile();
    await bidOf(b.apiKey, b.profileId);
    const { read, plan } = await planNow(env.svc);
    expect((await stop(a.apiKey, a.instanceId)).status).toBe(200);
    await expect(
      env.database.db.transaction((tx) => applyPlan(tx, read, plan, { newId: randomId, attempts: 1 })),
    ).rejects.toBeInstanceOf(PlanConflict);
    const report = await env.svc.round(); // recomputed on the state after the stop: b's bid gets the node
    expect(report.plan?.placements).toHaveLength(1);
    const [placed] = report.plan!.placements;
    const bInstance = (await bidView(b.apiKey, placed!.bidId)).instanceIds[0] as string;

    // Drain the node so b's instance gets notice, then b stops it before the deadline.
    expect((await call(env.svc.app, 'DELETE', '/nodes/t-1', { token: env.svc.operatorToken })).status).toBe(202);
    env.svc.clock.advance(301 * 1000);
    await env.svc.round();
    expect((await call(env.svc.app, 'GET', `/instances/${bInstance}`, { token: b.apiKey })).body.state).toBe('notified');
    const res = await stop(b.apiKey, bInstance);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'terminated', preemption: null });
    await env.svc.round(); // the drained node is now empty and removed
    const nodes = await call(env.svc.app, 'GET', '/nodes', { token: env.svc.operatorToken });
    expect(nodes.body.nodes.map((n: { id: string }) => n.id)).not.toContain('t-1');
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await call(env.svc.app, 'GET', '/openapi.json')).body;
    const op = doc.paths['/instances/{id}'].delete;
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '404', '409']));
  });
});
