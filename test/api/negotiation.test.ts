/** The negotiation endpoints end to end through app.request: profile → bid → round → instance → feedback. */
import { describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { bids, feedback, instances } from '../../src/db/schema.js';
import { predictionView } from '../../src/service/views.js';
import { webProfile, smallNodes } from '../helpers/fixtures.js';
import { call, useTestService,  } from '../helpers/service.js';


const env = useTestService(async (s) => {
  for (const node of smallNodes(4)) {
    const res = await call(s.app, 'POST', '/nodes', { token: s.operatorToken, body: node });
    expect(res.status).toBe(201);
  }
});

async function clientWithProfile() {
  const client = await env.svc.newClient();
  const res = await call(env.svc.app, 'POST', '/submit_workload_profile', { token: client.apiKey, body: webProfile() });
  expect(res.status).toBe(201);
  return { ...client, profileId: res.body.profileId as string };
}

async function runningInstance() {
  const c = await clientWithProfile();
  const bid = await call(env.svc.app, 'POST', '/submit_bid', { token: c.apiKey, body: { profileId: c.profileId, price: 5 } });
  expect(bid.status).toBe(201);
  await env.svc.round();
  const view = await call(env.svc.app, 'GET', `/bids/${bid.body.bidId}`, { token: c.apiKey });
  expect(view.body.state).toBe('won');
  return { ...c, bidId: bid.body.bidId as string, instanceId: view.body.instanceIds[0] as string };
}

describe('POST /submit_workload_profile', () => {
  it('stores the profile and returns the prediction per resource', async () => {
    const client = await env.svc.newClient();
    const res = await call(env.svc.app, 'POST', '/submit_workload_profile', { token: client.apiKey, body: webProfile() });
    expect(res.status).toBe(201);
    expect(res.body.profileId).toMatch(/^pr_/);
    expect(res.body.profile).toEqual(webProfile());
    for (const r of ['cpu', 'memory', 'network'] as const) {
      expect(res.body.prediction[r].mean).toBeGreaterThan(0);
      expect(res.body.prediction[r].p95).toBeGreaterThanOrEqual(res.body.prediction[r].mean);
    }
    expect(res.body.prediction.modelVersion).toBeNull();
  });
});

describe('POST /submit_bid and /bids/{id}', () => {
  it('records a pending bid that a clearing round places on a node', async () => {
    const c = await clientWithProfile();
    const res = await call(env.svc.app, 'POST', '/submit_bid', { token: c.apiKey, body: { profileId: c.profileId, price: 5, count: 2 } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ bidId: expect.stringMatching(/^bid_/), state: 'pending' });
    const before = await call(env.svc.app, 'GET', `/bids/${res.body.bidId}`, { token: c.apiKey });
    expect(before.body).toMatchObject({ state: 'pending', instanceIds: [], clearingPrice: null });
    await env.svc.round();
    const after = await call(env.svc.app, 'GET', `/bids/${res.body.bidId}`, { token: c.apiKey });
    expect(after.status).toBe(200);
    expect(after.body.state).toBe('won');
    expect(after.body.instanceIds).toHaveLength(2);
    expect(after.body.clearingPrice).toBeGreaterThan(0);
    expect(after.body.clearingPrice).toBeLessThanOrEqual(5);
    expect(after.body.score.terms.length).toBeGreaterThan(0);
  });

  it('explains a bid that cannot be placed', async () => {
    const client = await env.svc.newClient();
    const huge = await call(env.svc.app, 'POST', '/submit_workload_profile', {
      token: client.apiKey,
      body: webProfile({ memory: { avg: 500_000, peak: 1_000_000 } }), // larger than any test node (65 536 MiB)
    });
    const bid = await call(env.svc.app, 'POST', '/submit_bid', { token: client.apiKey, body: { profileId: huge.body.profileId, price: 5 } });
    await env.svc.round();
    const view = await call(env.svc.app, 'GET', `/bids/${bid.body.bidId}`, { token: client.apiKey });
    expect(['pending', 'rejected']).toContain(view.body.state);
    // 'capacity' on an empty cluster; 'priority' when running instances exist that it may not displace.
    expect(['capacity', 'priority']).toContain(view.body.reason);
    expect(view.body.instanceIds).toEqual([]);
  });

  it('withdraws a pending bid, and refuses to withdraw a decided one', async () => {
    const c = await clientWithProfile();
    const pending = await call(env.svc.app, 'POST', '/submit_bid', { token: c.apiKey, body: { profileId: c.profileId, price: 5 } });
    const withdrawn = await call(env.svc.app, 'DELETE', `/bids/${pending.body.bidId}`, { token: c.apiKey });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.state).toBe('withdrawn');
    await env.svc.round();
    const still = await call(env.svc.app, 'GET', `/bids/${pending.body.bidId}`, { token: c.apiKey });
    expect(still.body.state).toBe('withdrawn');
    const again = await call(env.svc.app, 'DELETE', `/bids/${pending.body.bidId}`, { token: c.apiKey });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('bid_not_pending');
  });

  it('accepts an uninterruptible bid with a penalty and keeps it on the instance', async () => {
    const c = await clientWithProfile();
    const res = await call(env.svc.app, 'POST', '/submit_bid', {
      token: c.apiKey,
      body: { profileId: c.profileId, price: 8, uninterruptible: true, penalty: { fee: 3, priorityReduction: 10 }, priority: 'high' },
    });
    expect(res.status).toBe(201);
    await env.svc.round();
    const bid = await call(env.svc.app, 'GET', `/bids/${res.body.bidId}`, { token: c.apiKey });
    expect(bid.body.state).toBe('won');
    const inst = await call(env.svc.app, 'GET', `/instances/${bid.body.instanceIds[0]}`, { token: c.apiKey });
    expect(inst.body.priority.declared).toBe('high');
  });

  it('replays the first response for a repeated Idempotency-Key and creates one bid', async () => {
    const c = await clientWithProfile();
    const body = { profileId: c.profileId, price: 4 };
    const headers = { 'Idempotency-Key': 'retry-1' };
    const first = await call(env.svc.app, 'POST', '/submit_bid', { token: c.apiKey, body, headers });
    const second = await call(env.svc.app, 'POST', '/submit_bid', { token: c.apiKey, body, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    const [n] = await env.database.db.select({ n: count() }).from(bids).where(eq(bids.clientId, c.clientId));
    expect(Number(n!.n)).toBe(1);
    const reused = await call(env.svc.app, 'POST', '/submit_bid', { token: c.apiKey, body: { ...body, price: 9 }, headers });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
    // The same key from another client is a different request.
    const other = await clientWithProfile();
    const theirs = await call(env.svc.app, 'POST', '/submit_bid', {
      token: other.apiKey,
      body: { profileId: other.profileId, price: 4 },
      headers,
    });
    expect(theirs.status).toBe(201);
    expect(theirs.body.bidId).not.toBe(first.body.bidId);
  });
});

describe('instances', () => {
  it('answers the same status at /get_instance_status and /instances/{id}, and lists the caller\'s instances', async () => {
    const c = await runningInstance();
    const byQuery = await call(env.svc.app, 'GET', `/get_instance_status?instance_id=${c.instanceId}`, { token: c.apiKey });
    const byPath = await call(env.svc.app, 'GET', `/instances/${c.instanceId}`, { token: c.apiKey });
    expect(byQuery.status).toBe(200);
    expect(byPath.body).toEqual(byQuery.body);
    expect(byQuery.body).toMatchObject({
      instanceId: c.instanceId,
      bidId: c.bidId,
      state: 'running',
      usage: null,
      priority: { declared: 'normal' },
      preemption: null,
    });
    expect(byQuery.body.nodeId).toMatch(/^n-/);
    expect(byQuery.body.estimatedRuntimeRemainingSeconds).toBe(3600);
    expect(typeof byQuery.body.interferenceScore).toBe('number');
    expect(byQuery.body.predictedUtilization.cpu.p95).toBeGreaterThan(0);
    const list = await call(env.svc.app, 'GET', '/instances', { token: c.apiKey });
    expect(list.body.instances.map((i: { instanceId: string }) => i.instanceId)).toEqual([c.instanceId]);
  });

  it('completes an instance once its declared runtime has elapsed', async () => {
    const c = await runningInstance();
    expect((await call(env.svc.app, 'GET', `/instances/${c.instanceId}`, { token: c.apiKey })).body.state).toBe('running');
    env.svc.clock.advance(3601 * 1000);
    await env.svc.round();
    const status = await call(env.svc.app, 'GET', `/instances/${c.instanceId}`, { token: c.apiKey });
    expect(status.body.state).toBe('completed');
    expect(status.body.estimatedRuntimeRemainingSeconds).toBe(0);
  });
});

describe('POST /provide_runtime_feedback', () => {
  it('stores samples and reports the latest as usage', async () => {
    const c = await runningInstance();
    // Read first, so the status is cached: storing feedback must invalidate it.
    expect((await call(env.svc.app, 'GET', `/instances/${c.instanceId}`, { token: c.apiKey })).body.usage).toBeNull();
    const t = env.svc.clock.now();
    const samples = [
      { at: new Date(t - 2000).toISOString(), cpu: 1.5, memory: 1800, network: 80 },
      { at: new Date(t - 1000).toISOString(), cpu: 2.5, memory: 2000, network: 90, slowdown: 1.1 },
    ];
    const res = await call(env.svc.app, 'POST', '/provide_runtime_feedback', { token: c.apiKey, body: { instanceId: c.instanceId, samples } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 2 });
    const status = await call(env.svc.app, 'GET', `/instances/${c.instanceId}`, { token: c.apiKey });
    expect(status.body.usage).toEqual({ cpu: 2.5, memory: 2000, network: 90, at: samples[1]!.at });
  });

  it('shows the prediction the latest round made from the feedback, and writes it only when it changed', async () => {
    const c = await runningInstance();
    const status = async () => (await call(env.svc.app, 'GET', `/instances/${c.instanceId}`, { token: c.apiKey })).body;
    const version = async () =>
      (await env.database.db.select({ v: instances.version }).from(instances).where(eq(instances.id, c.instanceId)))[0]!.v;
    const admitted = (await status()).predictedUtilization;
    // Feedback far above the declared average (2 cores, 2048 MiB, 100 Mbps): the statistical predictor's blend moves.
    const t = env.svc.clock.now();
    const samples = Array.from({ length: 12 }, (_, k) => ({
      at: new Date(t - (12 - k) * 60_000).toISOString(),
      cpu: 3.5,
      memory: 3900,
      network: 350,
    }));
    expect((await call(env.svc.app, 'POST', '/provide_runtime_feedback', { token: c.apiKey, body: { instanceId: c.instanceId, samples } })).status).toBe(202);
    expect((await status()).predictedUtilization).toEqual(admitted); // cached until a round re-predicts

    const report = await env.svc.round();
    const made = report.plan!.predictions.find((p) => p.instanceId === c.instanceId)!.prediction;
    const current = (await status()).predictedUtilization;
    expect(current).toEqual(predictionView(made));
    expect(current.cpu.mean).toBeGreaterThan(admitted.cpu.mean);
    expect(current.memory.mean).toBeGreaterThan(admitted.memory.mean);
    expect(current.network.p95).toBeGreaterThan(admitted.network.p95);

    // No new feedback: the next round predicts the same and leaves the row alone.
    const before = await version();
    const again = await env.svc.round();
    expect(again.plan!.predictions.find((p) => p.instanceId === c.instanceId)!.prediction).toEqual(made);
    expect(await version()).toBe(before);
    expect((await status()).predictedUtilization).toEqual(current);
  });

  it('stores a retried batch once when it carries the same Idempotency-Key', async () => {
    const c = await runningInstance();
    const body = { instanceId: c.instanceId, samples: [{ at: new Date(env.svc.clock.now() - 500).toISOString(), cpu: 1, memory: 100, network: 1 }] };
    const headers = { 'Idempotency-Key': 'fb-1' };
    const first = await call(env.svc.app, 'POST', '/provide_runtime_feedback', { token: c.apiKey, body, headers });
    const second = await call(env.svc.app, 'POST', '/provide_runtime_feedback', { token: c.apiKey, body, headers });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);
    const [n] = await env.database.db.select({ n: count() }).from(feedback).where(eq(feedback.instanceId, c.instanceId));
    expect(Number(n!.n)).toBe(1);
  });
});

describe('POST /provide_runtime_feedback at its limit', () => {
  it('stores the documented maximum of 10,000 samples in one request', async () => {
    const c = await runningInstance();
    const t = env.svc.clock.now();
    const samples = Array.from({ length: 10_000 }, (_, i) => ({
      at: new Date(t - (10_000 - i) * 1000).toISOString(),
      cpu: 1 + (i % 7) / 10,
      memory: 1500,
      network: 40,
    }));
    const res = await call(env.svc.app, 'POST', '/provide_runtime_feedback', { token: c.apiKey, body: { instanceId: c.instanceId, samples } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 10_000 });
    const [n] = await env.database.db.select({ n: count() }).from(feedback).where(eq(feedback.instanceId, c.instanceId));
    expect(Number(n!.n)).toBe(10_000);
    const status = await call(env.svc.app, 'GET', `/instances/${c.instanceId}`, { token: c.apiKey });
    expect(status.body.usage.at).toBe(samples[9_999]!.at);
  });
});

describe('POST /quote', () => {
  it('estimates a bid by profile id or inline profile and changes nothing', async () => {
    const c = await clientWithProfile();
    const [before] = await env.database.db.select({ n: count() }).from(bids);
    const byId = await call(env.svc.app, 'POST', '/quote', { token: c.apiKey, body: { profileId: c.profileId, price: 5 } });
    expect(byId.status).toBe(200);
    expect(byId.body.admitProbability).toBe(1);
    expect(byId.body.expectedClearingPrice).toBeLessThanOrEqual(5);
    expect(byId.body.estimatedStartSeconds).toBe(0);
    expect(byId.body.preemptionProbability).toBeGreaterThanOrEqual(0);
    const inline = await call(env.svc.app, 'POST', '/quote', { token: c.apiKey, body: { profile: webProfile(), price: 5 } });
    expect(inline.status).toBe(200);
    expect(inline.body).toEqual(byId.body);
    const [after] = await env.database.db.select({ n: count() }).from(bids);
    expect(after!.n).toEqual(before!.n);
  });

  it('refuses a quote with neither or both of profileId and profile', async () => {
    const c = await clientWithProfile();
    const neither = await call(env.svc.app, 'POST', '/quote', { token: c.apiKey, body: { price: 5 } });
    expect(neither.status).toBe(400);
    expect(neither.body.errors[0].path).toBe('$.profileId');
    const both = await call(env.svc.app, 'POST', '/quote', { token: c.apiKey, body: { price: 5, profileId: c.profileId, profile: webProfile() } });
    expect(both.status).toBe(400);
  });
});

describe('cross-client access', () => {
  it('answers 404 for another client\'s bid, instance and feedback target', async () => {
    const owner = await runningInstance();
    const stranger = await clientWithProfile();
    const t = stranger.apiKey;
    const attempts = [
      await call(env.svc.app, 'GET', `/bids/${owner.bidId}`, { token: t }),
      await call(env.svc.app, 'DELETE', `/bids/${owner.bidId}`, { token: t }),
      await call(env.svc.app, 'GET', `/instances/${owner.instanceId}`, { token: t }),
      await call(env.svc.app, 'GET', `/get_instance_status?instance_id=${owner.instanceId}`, { token: t }),
      await call(env.svc.app, 'POST', '/provide_runtime_feedback', {
        token: t,
        body: { instanceId: owner.instanceId, samples: [{ at: new Date(env.svc.clock.now()).toISOString(), cpu: 1, memory: 1, network: 1 }] },
      }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
      expect(res.contentType).toBe('application/problem+json');
    }
    const bidOnTheirProfile = await call(env.svc.app, 'POST', '/submit_bid', { token: t, body: { profileId: owner.profileId, price: 5 } });
    expect(bidOnTheirProfile.status).toBe(400);
    expect(bidOnTheirProfile.body.code).toBe('unknown_profile');
    const quoteOnTheirProfile = await call(env.svc.app, 'POST', '/quote', { token: t, body: { profileId: owner.profileId, price: 5 } });
    expect(quoteOnTheirProfile.body.code).toBe('unknown_profile');
    const list = await call(env.svc.app, 'GET', '/instances', { token: t });
    expect(list.body.instances).toEqual([]);
  });
});
