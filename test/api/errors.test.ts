/** Every bad input the API contract lists, and the cross-cutting error paths: all answer RFC 9457 problem+json. */
import { describe, expect, it } from 'vitest';
import { smallNodes, webProfile } from '../helpers/fixtures.js';
import { call, useTestService, ONE_MIB, type Reply } from '../helpers/service.js';

let apiKey: string;
let profileId: string;
let instanceId: string;

const env = useTestService(async (s) => {
  for (const node of smallNodes(2)) await call(s.app, 'POST', '/nodes', { token: s.operatorToken, body: node });
  ({ apiKey } = await s.newClient());
  profileId = (await call(s.app, 'POST', '/submit_workload_profile', { token: apiKey, body: webProfile() })).body.profileId;
  const bid = await call(s.app, 'POST', '/submit_bid', { token: apiKey, body: { profileId, price: 5 } });
  await s.round();
  instanceId = (await call(s.app, 'GET', `/bids/${bid.body.bidId}`, { token: apiKey })).body.instanceIds[0];
});

function expectProblem(res: Reply, status: number, code: string, paths: string[] = []) {
  expect(res.status).toBe(status);
  expect(res.contentType).toBe('application/problem+json');
  expect(res.body).toMatchObject({ status, code, type: `https://parley.dev/problems/${code}` });
  expect(typeof res.body.title).toBe('string');
  expect(res.body.detail.length).toBeGreaterThan(0);
  if (paths.length > 0) expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(paths));
}

const profileCases: [string, Record<string, unknown>, string][] = [
  ['avg > peak', { cpu: { avg: 5, peak: 4 } }, '$.cpu.avg'],
  ['negative memory', { memory: { avg: -1, peak: 10 } }, '$.memory.avg'],
  ['negative network peak', { network: { avg: 0, peak: -5 } }, '$.network.peak'],
  ['unknown priority', { priority: 'urgent' }, '$.priority'],
  ['burst probability above 1', { burst: { ...webProfile().burst, probability: 1.5 } }, '$.burst.probability'],
  ['burst probability below 0', { burst: { ...webProfile().burst, probability: -0.1 } }, '$.burst.probability'],
  ['zero runtime', { expectedRuntimeSeconds: 0 }, '$.expectedRuntimeSeconds'],
  ['string number', { cpu: { avg: '2', peak: 4 } }, '$.cpu.avg'],
  ['missing name', { name: undefined }, '$.name'],
];

describe('profile validation', () => {
  it.each(profileCases)('%s → 400 naming %s', async (_label, override, path) => {
    const res = await call(env.svc.app, 'POST', '/submit_workload_profile', { token: apiKey, body: { ...webProfile(), ...override } });
    expectProblem(res, 400, 'validation_failed', [path]);
  });

  it('refuses non-finite numbers (1e999 parses to Infinity)', async () => {
    const raw = JSON.stringify(webProfile()).replace('"peak":4}', '"peak":1e999}');
    const res = await call(env.svc.app, 'POST', '/submit_workload_profile', { token: apiKey, rawBody: raw });
    expectProblem(res, 400, 'validation_failed', ['$.cpu.peak']);
  });

  it('lists every bad field, not only the first', async () => {
    const res = await call(env.svc.app, 'POST', '/submit_workload_profile', {
      token: apiKey,
      body: { ...webProfile(), cpu: { avg: 5, peak: 1 }, priority: 'x' },
    });
    expectProblem(res, 400, 'validation_failed', ['$.cpu.avg', '$.priority']);
  });
});

describe('bid validation', () => {
  const cases: [string, Record<string, unknown>, number, string, string][] = [
    ['unknown profile', { profileId: 'pr_nope', price: 5 }, 400, 'unknown_profile', '$.profileId'],
    ['zero price', { price: 0 }, 400, 'validation_failed', '$.price'],
    ['negative price', { price: -1 }, 400, 'validation_failed', '$.price'],
    ['uninterruptible without penalty', { price: 5, uninterruptible: true }, 400, 'validation_failed', '$.penalty'],
    ['unknown priority', { price: 5, priority: 'urgent' }, 400, 'validation_failed', '$.priority'],
    ['zero count', { price: 5, count: 0 }, 400, 'validation_failed', '$.count'],
    ['negative penalty fee', { price: 5, uninterruptible: true, penalty: { fee: -1, priorityReduction: 0 } }, 400, 'validation_failed', '$.penalty.fee'],
  ];
  it.each(cases)('%s → %i %s at %s', async (_label, body, status, code, path) => {
    const res = await call(env.svc.app, 'POST', '/submit_bid', { token: apiKey, body: { profileId, ...body } });
    expectProblem(res, status, code, [path]);
  });
});

describe('feedback validation', () => {
  const at = (offsetMs: number) => new Date(env.svc.clock.now() + offsetMs).toISOString();
  const sample = (offsetMs: number) => ({ at: at(offsetMs), cpu: 1, memory: 100, network: 10 });

  it('refuses samples out of time order, naming the first late one', async () => {
    const res = await call(env.svc.app, 'POST', '/provide_runtime_feedback', {
      token: apiKey,
      body: { instanceId, samples: [sample(-1000), sample(-3000)] },
    });
    expectProblem(res, 400, 'validation_failed', ['$.samples[1].at']);
  });

  it('refuses samples in the future', async () => {
    const res = await call(env.svc.app, 'POST', '/provide_runtime_feedback', {
      token: apiKey,
      body: { instanceId, samples: [sample(-1000), sample(3_600_000)] },
    });
    expectProblem(res, 400, 'validation_failed', ['$.samples[1].at']);
  });

  it('refuses negative usage and a non-ISO time', async () => {
    const res = await call(env.svc.app, 'POST', '/provide_runtime_feedback', {
      token: apiKey,
      body: { instanceId, samples: [{ ...sample(-1000), cpu: -1 }, { ...sample(0), at: 'yesterday' }] },
    });
    expectProblem(res, 400, 'validation_failed', ['$.samples[0].cpu', '$.samples[1].at']);
  });

  it('answers 404 for an unknown instance', async () => {
    const res = await call(env.svc.app, 'POST', '/provide_runtime_feedback', {
      token: apiKey,
      body: { instanceId: 'in_nope', samples: [sample(-1000)] },
    });
    expectProblem(res, 404, 'not_found');
  });
});

describe('transport errors', () => {
  it('answers 413 for a body over 1 MiB', async () => {
    const raw = JSON.stringify({ ...webProfile(), name: 'x'.repeat(ONE_MIB + 10) });
    const res = await call(env.svc.app, 'POST', '/submit_workload_profile', { token: apiKey, rawBody: raw });
    expectProblem(res, 413, 'payload_too_large');
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await call(env.svc.app, 'POST', '/submit_bid', {
      token: apiKey,
      rawBody: 'profileId=x&price=5',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectProblem(res, 415, 'unsupported_media_type');
    const plain = await call(env.svc.app, 'POST', '/submit_bid', { token: apiKey, rawBody: '{}', headers: { 'content-type': 'text/plain' } });
    expectProblem(plain, 415, 'unsupported_media_type');
  });

  it('answers 400 malformed_json for broken JSON', async () => {
    const res = await call(env.svc.app, 'POST', '/submit_bid', { token: apiKey, rawBody: '{"profileId": ' });
    expectProblem(res, 400, 'malformed_json');
  });

  it('answers a 404 problem for an unknown route', async () => {
    const res = await call(env.svc.app, 'GET', '/no/such/route', { token: apiKey });
    expectProblem(res, 404, 'route_not_found');
  });

  it('answers 404 for unknown bid and instance ids', async () => {
    expectProblem(await call(env.svc.app, 'GET', '/bids/bid_nope', { token: apiKey }), 404, 'not_found');
    expectProblem(await call(env.svc.app, 'GET', '/instances/in_nope', { token: apiKey }), 404, 'not_found');
    expectProblem(await call(env.svc.app, 'GET', '/get_instance_status?instance_id=in_nope', { token: apiKey }), 404, 'not_found');
  });

  it('answers 400 when instance_id is missing', async () => {
    expectProblem(await call(env.svc.app, 'GET', '/get_instance_status', { token: apiKey }), 400, 'validation_failed', ['query:$.instance_id']);
  });
});

describe('authentication', () => {
  const clientRoutes: [string, string][] = [
    ['POST', '/submit_workload_profile'],
    ['POST', '/submit_bid'],
    ['GET', '/bids/x'],
    ['DELETE', '/bids/x'],
    ['GET', '/get_instance_status?instance_id=x'],
    ['GET', '/instances/x'],
    ['GET', '/instances'],
    ['POST', '/provide_runtime_feedback'],
    ['POST', '/quote'],
  ];
  const operatorRoutes: [string, string][] = [
    ['POST', '/clients'],
    ['POST', '/nodes'],
    ['GET', '/nodes'],
    ['DELETE', '/nodes/x'],
    ['GET', '/ledger'],
    ['GET', '/market'],
    ['GET', '/metrics'],
  ];

  const bodyFor = (method: string) => (method === 'POST' ? { body: {} } : {});

  it.each([...clientRoutes, ...operatorRoutes])('%s %s needs a bearer token', async (method, path) => {
    expectProblem(await call(env.svc.app, method, path, bodyFor(method)), 401, 'unauthorized');
    expectProblem(await call(env.svc.app, method, path, { ...bodyFor(method), token: 'pk_wrong' }), 401, 'unauthorized');
  });

  it.each(clientRoutes)('%s %s refuses the operator token', async (method, path) => {
    expectProblem(await call(env.svc.app, method, path, { ...bodyFor(method), token: env.svc.operatorToken }), 403, 'forbidden');
  });

  it.each(operatorRoutes)('%s %s refuses a client key', async (method, path) => {
    expectProblem(await call(env.svc.app, method, path, { ...bodyFor(method), token: apiKey }), 403, 'forbidden');
  });
});
