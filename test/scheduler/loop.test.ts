/** The clearing loop reports where each round's time went, in its report and as a Prometheus histogram. */
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/service/metrics.js';
import { smallNodes, webProfile } from '../helpers/fixtures.js';
import { call, loopFor, useTestService } from '../helpers/service.js';

const env = useTestService(async (s) => {
  for (const n of smallNodes(2)) expect((await call(s.app, 'POST', '/nodes', { token: s.operatorToken, body: n })).status).toBe(201);
});

describe('round timings', () => {
  it('times every phase of a round and exports them per phase', async () => {
    const { svc } = env;
    const metrics = createMetrics({ defaults: false });
    const loop = loopFor(svc, { metrics })
    const client = await svc.newClient();
    const profile = await call(svc.app, 'POST', '/submit_workload_profile', { token: client.apiKey, body: webProfile() });
    await call(svc.app, 'POST', '/submit_bid', { token: client.apiKey, body: { profileId: profile.body.profileId, price: 5 } });
    const report = await loop.runRound();
    expect(report.plan?.placements).toHaveLength(1);
    const t = report.timings;
    for (const key of ['completeMs', 'snapshotMs', 'predictMs', 'postMs', 'engineMs', 'applyMs'] as const) {
      expect(Number.isFinite(t[key]) && t[key] >= 0).toBe(true);
    }
    expect(t.snapshotMs).toBeGreaterThan(0);
    expect(t.engineMs).toBeGreaterThan(0);
    expect(t.applyMs).toBeGreaterThan(0);
    expect(t.totalMs).toBeGreaterThanOrEqual(t.completeMs + t.snapshotMs + t.engineMs + t.applyMs);
    const text = await metrics.registry.metrics();
    for (const phase of ['complete', 'snapshot', 'predict', 'post', 'engine', 'apply']) {
      expect(text).toContain(`parley_round_phase_seconds_count{phase="${phase}"} 1`);
    }
    expect(text).toContain('parley_round_duration_seconds_count 1');

    // The next round sees the placed instance for the first time and predicts it; after that nothing changes, so the
    // round after predicts nothing and reuses that prediction.
    expect((await loop.runRound()).timings.predicted).toBe(1);
    const again = await loop.runRound();
    expect(again.timings.predicted).toBe(0);
    expect(again.timings.reused).toBeGreaterThanOrEqual(1);
    expect(await metrics.registry.metrics()).toMatch(/parley_round_predictions_total\{source="reused"\} [1-9]/);
    expect(again.timings.completeMs).toBe(0); // nothing due: no completion UPDATE

    // Past the declared runtime (3600 s) the round completes the instance before the engine sees it.
    svc.clock.advance(3601 * 1000);
    const done = await loop.runRound();
    expect(done.timings.completeMs).toBeGreaterThan(0);
    expect(done.plan?.terminations).toEqual([]);
    const [status] = (await call(svc.app, 'GET', '/instances', { token: client.apiKey })).body.instances;
    expect(status.state).toBe('completed');
  });

  it('completes an instance exactly when its declared runtime has elapsed, by the same rule in JS and in SQL', async () => {
    const { svc } = env;
    const loop = loopFor(svc, {});
    const client = await svc.newClient();
    const profile = await call(svc.app, 'POST', '/submit_workload_profile', { token: client.apiKey, body: webProfile() });
    await call(svc.app, 'POST', '/submit_bid', { token: client.apiKey, body: { profileId: profile.body.profileId, price: 5 } });
    expect((await loop.runRound()).plan?.placements).toHaveLength(1);
    const state = async () => (await call(svc.app, 'GET', '/instances', { token: client.apiKey })).body.instances[0].state;
    svc.clock.advance(3599 * 1000);
    expect((await loop.runRound()).timings.completeMs).toBe(0);
    expect(await state()).toBe('running');
    svc.clock.advance(1000); // exactly 3600 s: due (the JS check says so, and the UPDATE agrees)
    expect((await loop.runRound()).timings.completeMs).toBeGreaterThan(0);
    expect(await state()).toBe('completed');
  });
});
