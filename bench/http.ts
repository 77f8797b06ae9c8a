/**
 * HTTP benchmark, one run on loopback with autocannon: a bare Hono hello-world (baseline), then Parley's
 * GET /get_instance_status (max throughput) and POST /submit_bid (fixed 200 req/s, latency) on embedded PGlite and on
 * PostgreSQL. Every server is a separate process (the real `src/main.ts` for Parley) so the load generator does not
 * share its event loop.
 *
 *   npm run bench -- http --json [--duration 10 --connections 10 --rate 200 --warmup 3 --pg postgres://postgres@127.0.0.1:5432/test]
 *
 * Status reads are measured with the status cache as configured by default and with it off (one database read per
 * request). Targets: status reads ≥ 0.3 × the bare Hono requests/s; /submit_bid p99 ≤ 50 ms at 200 req/s on PostgreSQL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon, { type Options, type Result } from 'autocannon';
import postgres from 'postgres';

const ADMIN = `bench-operator-${randomBytes(8).toString('hex')}`;

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
}

interface Target {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

function startProcess(argv: string[], env: Record<string, string>, ready: (line: string, output: string) => number | null): Promise<Target> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...argv], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (d: Buffer) => {
      output += d;
      for (const line of String(d).split('\n')) {
        const port = ready(line, output);
        if (port !== null) {
          resolve({
            port,
            child,
            stop: () =>
              new Promise((done) => {
                child.once('exit', () => done());
                child.kill('SIGTERM');
              }),
          });
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (output += d));
    child.once('exit', (code) => reject(new Error(`${argv.join(' ')} exited with ${code}:\n${output}`)));
  });
}

const startHono = () =>
  startProcess(['bench/honoHello.ts'], {}, (line) => {
    try {
      return (JSON.parse(line) as { port: number }).port;
    } catch {
      return null;
    }
  });

function startParley(env: Record<string, string>) {
  return startProcess(
    ['src/main.ts'],
    { PORT: '0', HOST: '127.0.0.1', PARLEY_ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'info', ...env },
    (line) => {
      const m = /Parley listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      return m ? Number(m[1]) : null;
    },
  );
}

async function api(port: number, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const profile = {
  name: 'bench',
  cpu: { avg: 0.5, peak: 1 },
  memory: { avg: 512, peak: 1024 },
  network: { avg: 10, peak: 40 },
  burst: { probability: 0.05, magnitude: { p50: 1.2, p90: 1.5, p99: 2 }, durationSeconds: 20 },
  interruptibility: { maxInterruptionsPerDay: 4, maxInterruptionSeconds: 300, minNoticeSeconds: 60 },
  priority: 'normal',
  expectedRuntimeSeconds: 86_400,
};

/** A client with one running instance, to read, and a profile to bid on. */
async function prepare(port: number) {
  const { apiKey } = await api(port, 'POST', '/clients', ADMIN, { name: 'bench' });
  const { profileId } = await api(port, 'POST', '/submit_workload_profile', apiKey, profile);
  const { bidId } = await api(port, 'POST', '/submit_bid', apiKey, { profileId, price: 1 });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const bid = await api(port, 'GET', `/bids/${bidId}`, apiKey);
    if (bid.state === 'won') return { apiKey: apiKey as string, profileId: profileId as string, instanceId: bid.instanceIds[0] as string };
    if (Date.now() > deadline) throw new Error(`bench bid not placed: ${JSON.stringify(bid)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Measured {
  name: string;
  driver: string | null;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  requests: number;
  non2xx: number;
  errors: number;
}

/** Runs the same load for `warmup` seconds first and discards it: the first seconds after start-up measure the JIT. */
async function measured(options: Options, warmup: number): Promise<Result> {
  if (warmup > 0) await autocannon({ ...options, duration: warmup });
  return autocannon(options);
}

function summarize(name: string, driver: string | null, r: Result): Measured {
  return {
    name,
    driver,
    requestsPerSecond: r.requests.average,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

/** A fresh, empty database for one server, and how to throw it away. */
type Provision = () => Promise<{ env: Record<string, string>; dispose(): Promise<void> }>;

const provisionPglite: Provision = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  return { env: { PARLEY_DATA_DIR: dataDir }, dispose: async () => rmSync(dataDir, { recursive: true, force: true }) };
};

const provisionPostgres =
  (pgUrl: string): Provision =>
  async () => {
    const dbName = `parley_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
    const admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${dbName}`);
    const url = new URL(pgUrl);
    url.pathname = `/${dbName}`;
    return {
      env: { DATABASE_URL: url.toString() },
      dispose: async () => {
        await admin.unsafe(`drop database if exists ${dbName} with (force)`);
        await admin.end();
      },
    };
  };

async function measureParley(
  driver: 'pglite' | 'postgres',
  provision: Provision,
  opts: { duration: number; connections: number; rate: number; warmup: number },
) {
  const out: Measured[] = [];
  // Status reads twice, each on a fresh database: as configured (served from the per-process status cache,
  // PARLEY_STATUS_CACHE_MS=1000) and with the cache off, so the figure for a database read per request is reported too.
  for (const cache of ['on', 'off'] as const) {
    const db = await provision();
    const server = await startParley({ ...db.env, ...(cache === 'off' ? { PARLEY_STATUS_CACHE_MS: '0' } : {}) });
    try {
      const { apiKey, profileId, instanceId } = await prepare(server.port);
      const base = `http://127.0.0.1:${server.port}`;
      const auth = { authorization: `Bearer ${apiKey}` };
      const status = await measured(
        { url: `${base}/get_instance_status?instance_id=${instanceId}`, connections: opts.connections, duration: opts.duration, headers: auth },
        opts.warmup,
      );
      out.push(summarize(cache === 'on' ? 'get_instance_status' : 'get_instance_status_uncached', driver, status));
      if (cache === 'off') continue;
      // Bids at a price that clears, so rounds place them: the realistic write path (a bid may trigger a round).
      const bids = await measured(
        {
          url: `${base}/submit_bid`,
          method: 'POST',
          connections: opts.connections,
          duration: opts.duration,
          overallRate: opts.rate,
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ profileId, price: 1 }),
        },
        opts.warmup,
      );
      out.push(summarize(`submit_bid@${opts.rate}rps`, driver, bids));
    } finally {
      await server.stop();
      await db.dispose();
    }
  }
  return out;
}

export async function main(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const opts = {
    duration: Number(option(args, 'duration', '10')),
    connections: Number(option(args, 'connections', '10')),
    rate: Number(option(args, 'rate', '200')),
    warmup: Number(option(args, 'warmup', '3')),
  };
  const pgUrl = option(args, 'pg', process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const log = (msg: string) => process.stderr.write(`${msg}\n`);

  const results: Measured[] = [];
  log('bare Hono hello-world…');
  const hono = await startHono();
  try {
    const hello = { url: `http://127.0.0.1:${hono.port}/`, connections: opts.connections, duration: opts.duration };
    results.push(summarize('hono_hello', null, await measured(hello, opts.warmup)));
  } finally {
    await hono.stop();
  }

  log('Parley on PGlite…');
  results.push(...(await measureParley('pglite', provisionPglite, opts)));
  log('Parley on PostgreSQL…');
  results.push(...(await measureParley('postgres', provisionPostgres(pgUrl), opts)));

  const honoRps = results[0]!.requestsPerSecond;
  const find = (name: string, driver: string) => results.find((r) => r.name === name && r.driver === driver)!;
  const ratio = (name: string, driver: string) => find(name, driver).requestsPerSecond / honoRps;
  const statusRatio = { pglite: ratio('get_instance_status', 'pglite'), postgres: ratio('get_instance_status', 'postgres') };
  const uncachedStatusRatio = {
    pglite: ratio('get_instance_status_uncached', 'pglite'),
    postgres: ratio('get_instance_status_uncached', 'postgres'),
  };
  const bidP99 = find(`submit_bid@${opts.rate}rps`, 'postgres').latencyMs.p99;
  const report = {
    benchmark: 'http',
    date: new Date().toISOString(),
    command: `npm run bench -- http --json --duration ${opts.duration} --connections ${opts.connections} --rate ${opts.rate} --warmup ${opts.warmup}`,
    machine: { cpus: cpus().length, node: process.version },
    options: opts,
    results,
    statusToHonoRatio: statusRatio,
    uncachedStatusToHonoRatio: uncachedStatusRatio,
    targets: {
      statusReadsAtLeast03xHono: { pglite: statusRatio.pglite >= 0.3, postgres: statusRatio.postgres >= 0.3 },
      submitBidP99AtMost50msAt200rpsOnPostgres: { p99Ms: bidP99, met: bidP99 <= 50 && opts.rate >= 200 },
    },
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  for (const r of results) {
    log(`${r.name.padEnd(24)} ${String(r.driver ?? '-').padEnd(9)} ${r.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${r.latencyMs.p50} ms  p99 ${r.latencyMs.p99} ms  non2xx ${r.non2xx}`);
  }
  log(
    `status/hono: pglite ${statusRatio.pglite.toFixed(2)}, postgres ${statusRatio.postgres.toFixed(2)} ` +
      `(uncached ${uncachedStatusRatio.pglite.toFixed(2)}, ${uncachedStatusRatio.postgres.toFixed(2)}); submit_bid p99 on PostgreSQL ${bidP99} ms`,
  );
}
