/** Bids and freed capacity ask the clearing loop for early rounds. */
import { describe, expect, it, vi } from 'vitest';
import { smallNodes, webProfile } from '../helpers/fixtures.js';
import { call, loopFor, useTestService } from '../helpers/service.js';

const env = useTestService(async (s) => {
  for (const n of smallNodes(1, 'early')) expect((await call(s.app, 'POST', '/nodes', { token: s.operatorToken, body: n })).status).toBe(201);
});

describe('early rounds', () => {
  it('a bid asks for a round only while capacity is free; freed capacity asks for one regardless', async () => {
    const { svc } = env;
    const loop = loopFor(svc, { minEarlyRoundGapMs: 0 })
    const client = await svc.newClient();
    const profile = await call(svc.app, 'POST', '/submit_workload_profile', { token: client.apiKey, body: webProfile() });
    const big = await call(svc.app, 'POST', '/submit_bid', {
      token: client.apiKey,
      body: { profileId: profile.body.profileId, price: 5, count: 1000 }, // more than the cluster holds
    });
    const report = await loop.runRound();
    expect(report.plan?.outcomes.find((o) => o.bidId === big.body.bidId)?.reason).toBe('capacity');
    await call(svc.app, 'DELETE', `/bids/${big.body.bidId}`, { token: client.apiKey });
    const trigger = vi.spyOn(loop, 'trigger').mockImplementation(() => {});
    loop.bidArrived();
    expect(trigger).not.toHaveBeenCalled();
    loop.capacityFreed();
    expect(trigger).toHaveBeenCalledTimes(1);
    loop.bidArrived();
    expect(trigger).toHaveBeenCalledTimes(2);
  });
});
