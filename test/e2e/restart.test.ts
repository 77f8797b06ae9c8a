/**
 * The real server process (tsx src/main.ts) on a free port and a fresh PGlite data dir: profile → bid → running →
 * feedback → status, then kill -9, restart on the same data and find the same state; finally SIGTERM exits cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import { openDatabase } from '../../src/db/database.js';
import { bids, feedback as feedbackTable, instances, nodes, profiles } from '../../src/db/schema.js';
import { webProfile } from '../helpers/fixtures.js';

const ADMIN = 'e2e-operator-token-0123456789';
const dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function startServer(port: number, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PARLEY_DATA_DIR: dataDir,
      PARLEY_ADMIN_TOKEN: ADMIN,
      PARLEY_ROUND_MS: '200',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function client(port: number) {
  const base = `http://127.0.0.1:${port}`;
  return async (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
}

const healthy = (port: number) => async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok ? true : undefined);

describe('server process', () => {
  it('exits with a message naming a bad configuration value', async () => {
    const server = startServer(await freePort(), { PARLEY_ROUND_MS: 'soon' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('PARLEY_ROUND_MS');
  }, 60_000);

  it('keeps every acknowledged write across kill -9 and restart, then stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const first = startServer(port);
    await until('first start', healthy(port));
    const api = client(port);

    const created = await api('POST', '/clients', ADMIN, { name: 'e2e' });
    expect(created.status).toBe(201);
    const key = created.body.apiKey as string;
    const profile = await api('POST', '/submit_workload_profile', key, webProfile({ expectedRuntimeSeconds: 86_400 }));
    expect(profile.status).toBe(201);
    const bid = await api('POST', '/submit_bid', key, { profileId: profile.body.profileId, price: 5 }, { 'Idempotency-Key': 'bid-1' });
    expect(bid.status).toBe(201);
    const won = await until('bid placed', async () => {
      const view = await api('GET', `/bids/${bid.body.bidId}`, key);
      return view.body.state === 'won' ? view.body : undefined;
    });
    const instanceId = won.instanceIds[0] as string;
    const running = await api('GET', `/get_instance_status?instance_id=${instanceId}`, key);
    expect(running.body.state).toBe('running');
    const now = Date.now();
    const feedback = {
      instanceId,
      samples: [
        { at: new Date(now - 2000).toISOString(), cpu: 1.8, memory: 2000, network: 90 },
        { at: new Date(now - 1000).toISOString(), cpu: 2.2, memory: 2100, network: 110, slowdown: 1.05 },
      ],
    };
    const fb = await api('POST', '/provide_runtime_feedback', key, feedback, { 'Idempotency-Key': 'fb-1' });
    expect(fb.status).toBe(202);
    // Wait for a round to predict from the feedback: a round that committed between this read and the kill would
    // otherwise show up as a difference after the restart (it did on a loaded machine). Later rounds, and the
    // restarted server's, predict the same from the same history.
    const before = await until('a round took the feedback in', async () => {
      const view = await api('GET', `/instances/${instanceId}`, key);
      return JSON.stringify(view.body.predictedUtilization) !== JSON.stringify(running.body.predictedUtilization) ? view : undefined;
    });
    expect(before.body.usage).toMatchObject({ cpu: 2.2, memory: 2100, network: 110 });

    first.child.kill('SIGKILL');
    await first.exited;

    const second = startServer(port);
    await until('restart', healthy(port));
    const after = await api('GET', `/instances/${instanceId}`, key);
    expect(after.status).toBe(200);
    const { estimatedRuntimeRemainingSeconds: r1, ...stableBefore } = before.body;
    const { estimatedRuntimeRemainingSeconds: r2, ...stableAfter } = after.body;
    expect(stableAfter).toEqual(stableBefore);
    expect(r2).toBeLessThanOrEqual(r1);
    expect((await api('GET', `/bids/${bid.body.bidId}`, key)).body).toEqual(won);
    // Retries after the crash replay the acknowledged responses instead of creating duplicates.
    expect((await api('POST', '/submit_bid', key, { profileId: profile.body.profileId, price: 5 }, { 'Idempotency-Key': 'bid-1' })).body).toEqual(bid.body);
    expect((await api('POST', '/provide_runtime_feedback', key, feedback, { 'Idempotency-Key': 'fb-1' })).body).toEqual({ accepted: 2 });
    const listed = await api('GET', '/instances', key);
    expect(listed.body.instances).toHaveLength(1);
    // The demo cluster is loaded once, not again on restart.
    expect((await api('GET', '/nodes', ADMIN)).body.nodes).toHaveLength(50);


    // Under load: every bid and feedback batch acknowledged with a 2xx before kill -9 or SIGTERM must be stored.
    // Each load sample carries a unique memory value, so acknowledged samples can be found one by one. A request that
    // committed but was cut off before its response is stored without an acknowledgement, which is allowed.
    const acked = { bids: [] as string[], samples: 0, memories: [] as number[] };
    const sentMemories: number[] = [];
    let nextMemory = 10_000;
    const load = (stopAfterMs: number, kill: () => void) => {
      let stop = false;
      const worker = async (w: number) => {
        for (let i = 0; !stop; i++) {
          try {
            const b = await api('POST', '/submit_bid', key, { profileId: profile.body.profileId, price: 0.5 + (i % 7) });
            if (b.status === 201) acked.bids.push(b.body.bidId);
            const at = new Date(Date.now() - 100).toISOString();
            const memory = nextMemory++;
            sentMemories.push(memory);
            const f = await api('POST', '/provide_runtime_feedback', key, {
              instanceId,
              samples: [{ at, cpu: 1 + w * 0.01, memory, network: 100 }],
            });
            if (f.status === 202) {
              acked.samples += f.body.accepted as number;
              acked.memories.push(memory);
            }
          } catch {
            return; // the server went away mid-request: that request was never acknowledged
          }
        }
      };
      const workers = Array.from({ length: 8 }, (_, w) => worker(w));
      setTimeout(() => {
        kill();
        stop = true;
      }, stopAfterMs);
      return Promise.all(workers);
    };
    await load(1500, () => second.child.kill('SIGKILL'));
    await second.exited;
    const third = startServer(port);
    await until('restart after load', healthy(port));
    await load(1500, () => third.child.kill('SIGTERM'));
    expect(await third.exited).toBe(0);
    expect(acked.bids.length).toBeGreaterThan(0);
    expect(acked.samples).toBeGreaterThan(0);

    const database = await openDatabase({ kind: 'pglite', dataDir });
    try {
      const stored = await database.db.select({ id: bids.id }).from(bids).where(inArray(bids.id, acked.bids));
      expect(stored).toHaveLength(acked.bids.length);
      const storedSamples = await database.db
        .select({ memory: feedbackTable.memory })
        .from(feedbackTable)
        .where(eq(feedbackTable.instanceId, instanceId));
      const loadMemories = storedSamples.map((r) => r.memory).filter((m) => m >= 10_000);
      // The 2 samples of the first batch, every acknowledged load sample, and nothing that was not sent.
      expect(storedSamples.length - loadMemories.length).toBe(2);
      expect(loadMemories).toEqual(expect.arrayContaining(acked.memories));
      expect(sentMemories).toEqual(expect.arrayContaining(loadMemories));
      expect(new Set(loadMemories).size).toBe(loadMemories.length);
      // No node holds more declared peak memory than it has (an instance has one node column, so it is on one node).
      const overcommitted = await database.db
        .select({ nodeId: nodes.id })
        .from(nodes)
        .innerJoin(instances, eq(instances.nodeId, nodes.id))
        .innerJoin(bids, eq(bids.id, instances.bidId))
        .innerJoin(profiles, eq(profiles.id, bids.profileId))
        .where(inArray(instances.state, ['running', 'notified']))
        .groupBy(nodes.id, nodes.memory)
        .having(sql`sum((${profiles.spec}->'memory'->>'peak')::float8) > ${nodes.memory}`);
      expect(overcommitted).toEqual([]);
      console.log(`e2e load: ${acked.bids.length} bids and ${acked.samples} samples acknowledged, all found after kill -9 and SIGTERM`);
    } finally {
      await database.close();
    }
  }, 300_000);
});
