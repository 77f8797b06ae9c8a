/**
 * Online recalibration in the service, on both drivers: feedback is counted against the prediction the instance held,
 * the loop steps the active model's correction once a horizon has passed and saves it in model_online_calibration,
 * the next round predicts with it, and a restarted registry picks it up again.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { feedback, instances, modelOnlineCalibration } from '../../src/db/schema.js';
import { statisticalModels } from '../../src/scheduler/marketEngine.js';
import { initialOnlineState, ONLINE_STEP_MS, P95_MISS_TARGET as ALPHA, parseOnlineState, stepSizes, type OnlineCalibrationState } from '../../src/model/onlineCalibration.js';
import { ModelRegistry } from '../../src/model/registry.js';
import { onlineStateStore } from '../../src/model/versionTable.js';
import type { Prediction } from '../../src/market/types.js';
import { driverName, openTestDatabase } from '../helpers/database.js';
import { smallNodes, webProfile } from '../helpers/fixtures.js';
import { call, createTestService, type TestService } from '../helpers/service.js';
import { writeFixtureVersion } from '../model/fixture.js';

let database: Database;
let svc: TestService;
let modelsDir: string;
// Runs for a day: the test crosses an hour of rounds.
const small = webProfile({ cpu: { avg: 0.25, peak: 0.5 }, memory: { avg: 256, peak: 512 }, network: { avg: 5, peak: 10 }, expectedRuntimeSeconds: 86_400 });

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'parley-online-'));
  await writeFixtureVersion(modelsDir, 'v1', 1);
  database = await openTestDatabase();
  svc = await createTestService(database, { modelsDir, onlineRecalibration: true });
  await svc.ctx.models!.activate('v1');
  for (const node of smallNodes(4, 'on')) await call(svc.app, 'POST', '/nodes', { token: svc.operatorToken, body: node });
}, 60_000);

afterAll(async () => {
  await svc?.ctx.models?.close();
  await database?.close();
});

const stored = async (id: string) => (await database.db.select().from(instances).where(eq(instances.id, id)))[0]!.prediction as Prediction;

describe(`online recalibration on ${driverName}`, () => {
  it('steps the correction from feedback that the prediction missed, saves it and predicts with it', async () => {
    const client = await svc.newClient();
    const profileId = (await call(svc.app, 'POST', '/submit_workload_profile', { token: client.apiKey, body: small })).body.profileId;
    const bidId = (await call(svc.app, 'POST', '/submit_bid', { token: client.apiKey, body: { profileId, price: 5 } })).body.bidId;
    await svc.round(); // places the bid; opens the correction's first window
    const [instanceId] = (await call(svc.app, 'GET', `/bids/${bidId}`, { token: client.apiKey })).body.instanceIds as string[];
    const held = await stored(instanceId!);
    expect(held.modelVersion).toBe('v1');
    expect(held.modelTails).toBeDefined();
    // Two samples above the model's CPU tails, two under them; none above its memory or network tails.
    const at = (secondsAgo: number) => new Date(svc.clock.now() - secondsAgo * 1000).toISOString();
    const missing = (s: number) => ({ at: at(s), cpu: held.modelTails!.cpu.p99 + 1, memory: 0, network: 0 });
    const within = (s: number) => ({ at: at(s), cpu: 0, memory: 0, network: 0 });
    const send = (samples: ReturnType<typeof within>[], key: string) =>
      call(svc.app, 'POST', '/provide_runtime_feedback', { token: client.apiKey, body: { instanceId, samples }, headers: { 'idempotency-key': key } });
    const first = [missing(4), missing(3)];
    expect((await send(first, 'online-1')).status).toBe(202);
    expect((await send([within(2), within(1)], 'online-2')).status).toBe(202);
    // A replayed request is answered from the idempotency store and not counted again.
    expect((await send(first, 'online-1')).status).toBe(202);
    svc.clock.advance(ONLINE_STEP_MS - 1);
    await svc.round();
    expect(svc.ctx.models!.onlineState!.steps).toBe(0);
    // The round saved the window's counts (the replay not counted), and /models shows them.
    const open = (await call(svc.app, 'GET', '/models', { token: svc.operatorToken })).body.onlineCalibration;
    expect(open.window).toEqual({ samples: { cpu: 4, memory: 4, network: 4 }, misses: { cpu: 2, memory: 0, network: 0 } });
    svc.clock.advance(1);
    await svc.round();
    const state = svc.ctx.models!.onlineState!;
    const eta = stepSizes(new Array(9).fill(0));
    expect(state.steps).toBe(1);
    expect(state.shift[1]).toBeCloseTo(eta[1]! * (0.5 - ALPHA), 9); // cpu p95: 2 of 4 missed (the replay not counted)
    expect(state.shift[2]).toBe(0); // p99 heads keep their static calibration
    expect(state.shift[4]).toBeCloseTo(-eta[4]! * ALPHA, 9); // memory p95: none missed
    const listed = (await call(svc.app, 'GET', '/models', { token: svc.operatorToken })).body;
    expect(listed.onlineCalibration).toEqual({
      version: 'v1',
      p95Shift: { cpu: state.shift[1], memory: state.shift[4], network: state.shift[7] },
      targetCoverage: 1 - ALPHA,
      steps: 1,
      steppedAt: new Date(svc.clock.now()).toISOString(),
      window: { samples: { cpu: 0, memory: 0, network: 0 }, misses: { cpu: 0, memory: 0, network: 0 } },
    });
    const [row] = await database.db.select().from(modelOnlineCalibration).where(eq(modelOnlineCalibration.version, 'v1'));
    expect(row!.state).toEqual(state);
    expect(row!.updatedAt).toBe(svc.clock.now());

    // From the next round on the model predicts with the correction: its CPU tails are higher by shift × scale than
    // the same version's without one (scale: the declared CPU average, 0.25), and so is what the round stored. (An
    // input with history: without one, tails are capped at the declared peak.)
    const models = svc.ctx.models!.current();
    const plain = new ModelRegistry({ modelsDir, fallback: statisticalModels().current() });
    await plain.activate('v1');
    const input = [{ profile: small, history: [{ at: svc.clock.now(), cpu: 0.2, memory: 200, network: 4 }] }];
    const corrected = models.predictor.predict(input)[0]!.modelTails!.cpu;
    const uncorrected = plain.current().predictor.predict(input)[0]!.modelTails!.cpu;
    expect(corrected.p95 - uncorrected.p95).toBeCloseTo(state.shift[1]! * 0.25, 5);
    // (p99 ≥ p95 after calibration: on the untrained fixture p99 is that floor, so it moves by at least the same.)
    expect(corrected.p99 - uncorrected.p99).toBeGreaterThanOrEqual(state.shift[1]! * 0.25 - 1e-6);
    // The round stores the corrected prediction of the instance's own input (its profile and its four samples).
    await svc.round();
    const history = (await database.db.select().from(feedback).where(eq(feedback.instanceId, instanceId!)).orderBy(asc(feedback.at), asc(feedback.id))).map(
      (f) => ({ at: f.at, cpu: f.cpu, memory: f.memory, network: f.network }),
    );
    expect(history).toHaveLength(4);
    const own = [{ profile: small, history }];
    const after = (await stored(instanceId!)).modelTails!.cpu.p95;
    expect(after).toBeCloseTo(models.predictor.predict(own)[0]!.modelTails!.cpu.p95, 6);
    expect(after - plain.current().predictor.predict(own)[0]!.modelTails!.cpu.p95).toBeCloseTo(state.shift[1]! * 0.25, 5);
    await plain.close();

    // A restarted process restores the correction when it activates the version.
    const restarted = new ModelRegistry({ modelsDir, fallback: statisticalModels().current() });
    await restarted.activate('v1');
    await restarted.trackOnline(onlineStateStore(database.db, () => svc.clock.now()));
    expect(restarted.onlineState).toEqual(state);
    expect(restarted.current().predictor.predict(input)).toEqual(models.predictor.predict(input));
    await restarted.close();
  });

  it('starts from the static calibration when the saved state is malformed', async () => {
    await database.db
      .insert(modelOnlineCalibration)
      .values({ version: 'v1', state: { shift: [1] }, updatedAt: 0 })
      .onConflictDoUpdate({ target: modelOnlineCalibration.version, set: { state: { shift: [1] } } });
    const logged: string[] = [];
    const restarted = new ModelRegistry({ modelsDir, fallback: statisticalModels().current(), log: (m) => logged.push(m) });
    await restarted.trackOnline(onlineStateStore(database.db, () => 0));
    await restarted.activate('v1');
    expect(restarted.onlineState).toEqual(initialOnlineState());
    expect(logged.some((m) => m.includes('stored online calibration is malformed'))).toBe(true);
    await restarted.close();
  });

  it('shares one window between processes: each counts its own feedback once, the first to find the step due takes it', async () => {
    await writeFixtureVersion(modelsDir, 'v2', 2);
    const t0 = svc.clock.now();
    const store = onlineStateStore(database.db, () => t0);
    const process = async () => {
      const registry = new ModelRegistry({ modelsDir, fallback: statisticalModels().current() });
      await registry.trackOnline(store);
      await registry.activate('v2');
      return registry;
    };
    const a = await process();
    const b = await process();
    expect(await a.stepOnline(t0)).toBeNull(); // opens the shared window
    expect(await b.stepOnline(t0 + 1)).toBeNull(); // finds it open
    expect(b.onlineState!.steppedAt).toBe(t0);
    const input = [{ profile: small, history: [{ at: t0, cpu: 0.2, memory: 200, network: 4 }] }];
    const prediction = a.current().predictor.predict(input)[0]!;
    const tails = prediction.modelTails!;
    const miss = { cpu: tails.cpu.p95 + 1, memory: 0, network: 0 };
    const hold = { cpu: 0, memory: 0, network: 0 };
    a.observeFeedback(prediction, [miss, miss, hold]);
    b.observeFeedback(prediction, [hold, hold]);
    expect(await a.stepOnline(t0 + 10)).toBeNull();
    expect(await b.stepOnline(t0 + 20)).toBeNull();
    const row = async () => (await database.db.select().from(modelOnlineCalibration).where(eq(modelOnlineCalibration.version, 'v2')))[0]!.state as OnlineCalibrationState;
    expect((await row()).window.samples[1]).toBe(5);
    expect((await row()).window.misses[1]).toBe(2);

    const eta = stepSizes(new Array(9).fill(0));
    const stepped = await b.stepOnline(t0 + ONLINE_STEP_MS);
    expect(stepped!.steps).toBe(1);
    expect(stepped!.shift[1]).toBeCloseTo(eta[1]! * (2 / 5 - ALPHA), 9); // both processes' samples, each once
    // A finds the step taken: it does not step again, and serves the same correction from now on.
    expect(await a.stepOnline(t0 + ONLINE_STEP_MS + 1)).toBeNull();
    expect(a.onlineState).toEqual(b.onlineState);
    expect(a.current().predictor.predict(input)).toEqual(b.current().predictor.predict(input));
    expect(a.current().predictor.predict(input)[0]!.modelTails!.cpu.p95).toBeGreaterThan(tails.cpu.p95);

    // A counts four more samples, saves them with its next round, and goes away before the step: a process started
    // in its place finds them in the saved window and steps with them.
    a.observeFeedback(prediction, [miss, miss, miss, miss]);
    await a.stepOnline(t0 + ONLINE_STEP_MS + 2);
    await a.close();
    const c = await process();
    expect(c.onlineState!.window.samples[1]).toBe(4);
    const next = await c.stepOnline(t0 + 2 * ONLINE_STEP_MS);
    expect(next!.shift[1]).toBeCloseTo(stepped!.shift[1]! + eta[1]! * (1 - ALPHA), 9);
    await b.close();
    await c.close();
  });

  it('keeps the counts of a failed save for the next round', async () => {
    await writeFixtureVersion(modelsDir, 'v3', 3);
    const t0 = svc.clock.now();
    const real = onlineStateStore(database.db, () => t0);
    let failing = false;
    const registry = new ModelRegistry({ modelsDir, fallback: statisticalModels().current() });
    await registry.trackOnline({ load: real.load, update: (v, next) => (failing ? Promise.reject(new Error('database away')) : real.update(v, next)) });
    await registry.activate('v3');
    await registry.stepOnline(t0);
    const prediction = registry.current().predictor.predict([{ profile: small, history: [] }])[0]!;
    registry.observeFeedback(prediction, [{ cpu: prediction.modelTails!.cpu.p95 + 1, memory: 0, network: 0 }]);
    failing = true;
    await expect(registry.stepOnline(t0 + 1)).rejects.toThrow('database away');
    failing = false;
    await registry.stepOnline(t0 + 2);
    const [saved] = await database.db.select().from(modelOnlineCalibration).where(eq(modelOnlineCalibration.version, 'v3'));
    expect((saved!.state as OnlineCalibrationState).window.misses[1]).toBe(1);
    await registry.close();
  });

  it('applies concurrent updates of one version one after the other, losing none', async () => {
    const store = onlineStateStore(database.db, () => 0);
    const addOne = (stored: unknown): OnlineCalibrationState => {
      const state = (stored === null ? null : parseOnlineState(stored)) ?? initialOnlineState();
      return { ...state, steppedAt: 0, window: { misses: state.window.misses, samples: state.window.samples.map((n, i) => (i === 1 ? n + 1 : n)) } };
    };
    await Promise.all(Array.from({ length: 20 }, () => store.update('concurrent', addOne)));
    expect(((await store.load('concurrent')) as OnlineCalibrationState).window.samples[1]).toBe(20);
  });
});
