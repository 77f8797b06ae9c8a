/** Operator model endpoints: GET /models and POST /models/{version}/activate, over a temp models folder. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rounds } from '../../src/db/schema.js';
import type { Database } from '../../src/db/database.js';
import { listModelVersionRows, readActivePointer, registerModelVersion } from '../../src/model/index.js';
import { smallNodes, webProfile } from '../helpers/fixtures.js';
import { openTestDatabase } from '../helpers/database.js';
import { call, createTestService, type TestService } from '../helpers/service.js';
import { corruptWeights, writeFixtureVersion } from '../model/fixture.js';

let database: Database;
let svc: TestService;
let modelsDir: string;
const op = () => ({ token: svc.operatorToken });
// Small enough that the untrained fixture models' predictions never fill the 30 test nodes.
const small = webProfile({ cpu: { avg: 0.25, peak: 0.5 }, memory: { avg: 256, peak: 512 }, network: { avg: 5, peak: 10 } });

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'parley-models-api-'));
  await writeFixtureVersion(modelsDir, 'v1', 1);
  await writeFixtureVersion(modelsDir, 'v2', 2);
  // A deliberately corrupted copy: one flipped byte in the weights, so their sha256 no longer matches.
  await writeFixtureVersion(modelsDir, 'broken', 3);
  await corruptWeights(modelsDir, 'broken');
  // A version trained for another feature spec.
  await writeFixtureVersion(modelsDir, 'old', 4);
  const oldPath = join(modelsDir, 'old', 'manifest.json');
  const old = JSON.parse(await readFile(oldPath, 'utf8'));
  old.featureSpec.version = 'features-0';
  await writeFile(oldPath, JSON.stringify(old));

  database = await openTestDatabase();
  svc = await createTestService(database, { modelsDir });
  // Registered in the database only (trained on another machine, files never copied here).
  const elsewhere = await writeFixtureVersion(await mkdtemp(join(tmpdir(), 'parley-models-elsewhere-')), 'v0', 0);
  await registerModelVersion(database.db, elsewhere, '/elsewhere/v0');
  for (const node of smallNodes(30)) await call(svc.app, 'POST', '/nodes', { ...op(), body: node });
}, 60_000);

afterAll(async () => {
  await svc?.ctx.models?.close();
  await database?.close();
});

async function bidAndRound(count: number): Promise<{ apiKey: string; instanceIds: string[] }> {
  const client = await svc.newClient();
  const profileId = (await call(svc.app, 'POST', '/submit_workload_profile', { token: client.apiKey, body: small })).body.profileId;
  const bidIds: string[] = [];
  for (let i = 0; i < count; i++) {
    bidIds.push((await call(svc.app, 'POST', '/submit_bid', { token: client.apiKey, body: { profileId, price: 5 } })).body.bidId);
  }
  await svc.round();
  const instanceIds: string[] = [];
  for (const id of bidIds) instanceIds.push(...(await call(svc.app, 'GET', `/bids/${id}`, { token: client.apiKey })).body.instanceIds);
  return { apiKey: client.apiKey, instanceIds };
}

async function versionsOf(apiKey: string, instanceIds: string[]): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (const id of instanceIds) out.push((await call(svc.app, 'GET', `/instances/${id}`, { token: apiKey })).body.predictedUtilization.modelVersion);
  return out;
}

describe('auth', () => {
  it('refuses a client key (403) and a missing token (401) with problem+json', async () => {
    const client = await svc.newClient();
    for (const [method, path] of [['GET', '/models'], ['POST', '/models/v1/activate']] as const) {
      const forbidden = await call(svc.app, method, path, { token: client.apiKey });
      expect(forbidden.status).toBe(403);
      expect(forbidden.contentType).toBe('application/problem+json');
      expect(forbidden.body.code).toBe('forbidden');
      const anonymous = await call(svc.app, method, path);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe('unauthorized');
    }
    expect(svc.ctx.models!.activeVersion).toBeNull();
  });
});

describe('GET /models', () => {
  it('lists the folder and the database, with manifest summaries and what cannot be activated', async () => {
    const res = await call(svc.app, 'GET', '/models', op());
    expect(res.status).toBe(200);
    expect(res.body.active).toBeNull();
    const byVersion = new Map(res.body.versions.map((v: { version: string }) => [v.version, v]));
    expect([...byVersion.keys()].sort()).toEqual(['broken', 'old', 'v0', 'v1', 'v2']);
    expect(byVersion.get('v2')).toMatchObject({
      createdAt: '2026-01-01T00:00:02.000Z',
      featureSpecVersion: expect.any(String),
      data: { trace: 'fixture' },
      metrics: {},
      active: false,
      registered: false,
      inModelsDir: true,
      problem: null,
    });
    expect(byVersion.get('old')).toMatchObject({ featureSpecVersion: 'features-0', problem: expect.stringContaining('feature spec features-0') });
    expect(byVersion.get('v0')).toMatchObject({ registered: true, inModelsDir: false, problem: expect.stringContaining('not in the models folder') });
    // Newest first.
    expect(res.body.versions.map((v: { version: string }) => v.version)).toEqual(['old', 'broken', 'v2', 'v1', 'v0']);
  });

  it('summarizes manifest metrics to MAE, coverage and pinball of the model and every baseline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-models-metrics-'));
    const manifest = await writeFixtureVersion(dir, 'm1', 7);
    manifest.metrics = {
      targets: { cpu_p95: { model: { mae: 0.1, coverage: 0.96, pinball: 0.02, rmse: 0.3 }, baselines: { ewma: { mae: 0.2, coverage: 0.5, pinball: 0.05 } } } },
    };
    manifest.data = { trace: 'bitbrains:x', trainedInstances: ['a', 'b', 'c'] };
    await registerModelVersion(database.db, manifest, join(dir, 'm1'));
    const res = await call(svc.app, 'GET', '/models', op());
    const m1 = res.body.versions.find((v: { version: string }) => v.version === 'm1');
    expect(m1.metrics).toEqual({ cpu_p95: { model: { mae: 0.1, coverage: 0.96, pinball: 0.02 }, baselines: { ewma: { mae: 0.2, coverage: 0.5, pinball: 0.05 } } } });
    expect(m1.data).toEqual({ trace: 'bitbrains:x', trainedInstanceCount: 3 });
  });
});

describe('POST /models/{version}/activate', () => {
  it('swaps the version in, records it in model_versions and active.json, and rounds stamp it on every decision', async () => {
    const before = await bidAndRound(1);
    expect(await versionsOf(before.apiKey, before.instanceIds)).toEqual([null]);

    const res = await call(svc.app, 'POST', '/models/v1/activate', op());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 'v1', previous: null });
    expect(svc.ctx.models!.activeVersion).toBe('v1');
    expect(await readActivePointer(modelsDir)).toBe('v1');
    const rows = await listModelVersionRows(database.db);
    expect(rows.filter((r) => r.active).map((r) => r.version)).toEqual(['v1']);

    const after = await bidAndRound(2);
    expect(after.instanceIds).toHaveLength(2);
    expect(await versionsOf(after.apiKey, after.instanceIds)).toEqual(['v1', 'v1']);
    const list = await call(svc.app, 'GET', '/models', op());
    expect(list.body.active).toBe('v1');
    expect(list.body.versions.find((v: { version: string }) => v.version === 'v1')).toMatchObject({ active: true, recordedActive: true, registered: true });
  });

  it('a round racing an activation uses exactly one version for all of its decisions', async () => {
    const client = await svc.newClient();
    const profileId = (await call(svc.app, 'POST', '/submit_workload_profile', { token: client.apiKey, body: small })).body.profileId;
    const bidIds: string[] = [];
    for (let i = 0; i < 3; i++) bidIds.push((await call(svc.app, 'POST', '/submit_bid', { token: client.apiKey, body: { profileId, price: 5 } })).body.bidId);
    const [report, swapped] = await Promise.all([svc.round(), call(svc.app, 'POST', '/models/v2/activate', op())]);
    expect(swapped.status).toBe(200);
    expect(report.plan).not.toBeNull();
    const planVersion = report.plan!.modelVersion;
    expect(['v1', 'v2']).toContain(planVersion);
    const instanceIds: string[] = [];
    for (const id of bidIds) {
      instanceIds.push(...(await call(svc.app, 'GET', `/bids/${id}`, { token: client.apiKey })).body.instanceIds);
    }
    expect(instanceIds).toHaveLength(3);
    expect(new Set(await versionsOf(client.apiKey, instanceIds))).toEqual(new Set([planVersion]));
    const recorded = await database.db.select({ modelVersion: rounds.modelVersion }).from(rounds);
    expect(recorded.at(-1)!.modelVersion).toBe(planVersion);
  });

  it('refuses a corrupted copy with 422 and the reason; the active version keeps serving', async () => {
    const res = await call(svc.app, 'POST', '/models/broken/activate', op());
    expect(res.status).toBe(422);
    expect(res.contentType).toBe('application/problem+json');
    expect(res.body.code).toBe('model_corrupt');
    expect(res.body.detail).toMatch(/weights are corrupt/);
    expect(svc.ctx.models!.activeVersion).toBe('v2');
    expect(await readActivePointer(modelsDir)).toBe('v2');
    expect((await listModelVersionRows(database.db)).filter((r) => r.active).map((r) => r.version)).toEqual(['v2']);
    const placed = await bidAndRound(1);
    expect(await versionsOf(placed.apiKey, placed.instanceIds)).toEqual(['v2']);
  });

  it('refuses a version for another feature spec with 409 and the reason', async () => {
    const res = await call(svc.app, 'POST', '/models/old/activate', op());
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('model_incompatible');
    expect(res.body.detail).toMatch(/feature spec features-0/);
    expect(svc.ctx.models!.activeVersion).toBe('v2');
  });

  it('answers 404 for an unknown version and for one registered without files here; 400 for a bad name', async () => {
    const unknown = await call(svc.app, 'POST', '/models/v99/activate', op());
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');
    const elsewhere = await call(svc.app, 'POST', '/models/v0/activate', op());
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.detail).toMatch(/registered but not in the models folder/);
    const bad = await call(svc.app, 'POST', '/models/.hidden/activate', op());
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('param:$.version');
    expect(svc.ctx.models!.activeVersion).toBe('v2');
  });

  it('is in the generated OpenAPI document', async () => {
    const doc = (await call(svc.app, 'GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths['/models/{version}/activate'].post.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '422', '503']);
    expect(doc.paths['/models'].get.security).toEqual([{ bearer: [] }]);
  });
});
