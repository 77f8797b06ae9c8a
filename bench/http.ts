/**
 * HTTP benchmark, one run on loopback with autocannon: a bare Hono hello-world (baseline), then Parley's
 * GET /get_instance_status (max throughput) and POST /submit_bid (fixed 200 req/s, latency) on embedded PGlite and on
 * PostgreSQL. Every server is a separate process (the real `src/main.ts` for Parley) so the load generator does not
 * share its event loop.
 *
 *   npm run bench -- http --json [--duration 10 --connections 10 --rate 200 --warmup 3 --instances 1200 --clients 4
 *                                 --samples 60 --background-feedback 20 --background-bids 2 --uncached
 *                                 --drivers pglite,postgres --lines status,feedback,bids --pg postgres://postgres@127.0.0.1:5432/test
 *                                 --server-node-args "--cpu-prof --cpu-prof-dir=/tmp/prof"]
 *
 * Status reads (the target's line, `get_instance_status`): a cluster of `--instances` running instances of `--clients`
 * clients, each with `--samples` feedback samples of history, read with a different instance id (and its owner's key)
 * on every request, while the clearing loop runs its rounds every second as in production and a background load
 * writes to the same instances (`--background-feedback` feedback posts and `--background-bids` bids per second), so
 * rounds predict, place and invalidate while the reads run. `get_instance_status_one_id` reads one id on the same
 * server (the old line); `--uncached` adds the same honest read with the status cache off (a database read per request).
 *
 * Feedback (`--lines feedback`): one-sample feedback posts on random instances of such a fleet at `--rate` per second
 * (the ingestion path, with the shipped model's online recalibration counting each sample).
 *
 * Bids: on a fresh database, bids at a price that clears arrive at `--rate` per second, so the rounds they trigger
 * place them (the realistic write path).
 *
 * The bare Hono baseline runs first and again last; ratios are taken against the faster of the two. Every line
 * reports the server process's CPU time per request (from /proc) and, for Parley, the mean time of each
 * part of the clearing rounds that ran during the measurement (from its /metrics), since wall-clock figures on a
 * shared machine are noisy. Targets: status reads ≥ 0.3 × the bare Hono requests/s; /submit_bid p99 ≤ 50 ms at
 * 200 req/s on PostgreSQL.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon, { type Options, type RequestData, type Result } from 'autocannon';
import { createPostgresTestDatabase } from '../test/helpers/database.js';
import { flag, option } from './args.js';

const ADMIN = `bench-operator-${randomBytes(8).toString('hex')}`;

interface Target {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Extra node options for the Parley servers, e.g. `--server-node-args "--cpu-prof --cpu-prof-dir=/tmp/prof"`. */
let serverNodeArgs: string[] = [];

function startProcess(argv: string[], env: Record<string, string>, ready: (line: string, output: string) => number | null): Promise<Target> {
  return new Promise((resolve, reject) => {
    const nodeArgs = argv[0] === 'src/main.ts' ? serverNodeArgs : [];
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', ...argv], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let started = false;
    let stopping = false;
    const onData = (d: Buffer) => {
      // Keep the start-up output and the last lines after it (for error messages); a server under load logs a lot.
      output = started ? (output + d).slice(-8000) : output + d;
      for (const line of String(d).split('\n')) {
        const port = started ? null : ready(line, output);
        if (port !== null) {
          started = true;
          resolve({
            port,
            child,
            stop: () =>
              new Promise((done) => {
                stopping = true;
                if (child.exitCode !== null) return done();
                child.once('exit', () => done());
                child.kill('SIGTERM');
              }),
          });
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (output = (output + d).slice(-8000)));
    child.once('exit', (code, signal) => {
      if (!started) reject(new Error(`${argv.join(' ')} exited with ${code}:\n${output}`));
      else if (!stopping) process.stderr.write(`${argv.join(' ')} died (${code ?? signal}); its last output:\n${output}\n`);
    });
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

async function api(port: number, method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) {
  const request = () =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  // A kept-alive connection that the server closes as it is reused resets (likelier while a busy server's event loop
  // runs its idle timers late); resend (writes that may have arrived carry an Idempotency-Key, so none is stored twice).
  let res: Response | undefined;
  for (let attempt = 1; !res; attempt++) {
    try {
      res = await request();
    } catch (err) {
      if ((err as { cause?: { code?: string } }).cause?.code !== 'ECONNRESET' || attempt === 5) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const profile = (cpuAvg = 0.5) => ({
  name: 'bench',
  cpu: { avg: cpuAvg, peak: 2 * cpuAvg },
  memory: { avg: 512, peak: 1024 },
  network: { avg: 10, peak: 40 },
  burst: { probability: 0.05, magnitude: { p50: 1.2, p90: 1.5, p99: 2 }, durationSeconds: 20 },
  interruptibility: { maxInterruptionsPerDay: 4, maxInterruptionSeconds: 300, minNoticeSeconds: 60 },
  priority: 'normal',
  expectedRuntimeSeconds: 86_400,
});

async function waitWon(port: number, apiKey: string, bidIds: string[]): Promise<string[]> {
  const deadline = Date.now() + 60_000;
  const instanceIds: string[] = [];
  for (const bidId of bidIds) {
    for (;;) {
      const bid = await api(port, 'GET', `/bids/${bidId}`, apiKey);
      if (bid.state === 'won') {
        instanceIds.push(...(bid.instanceIds as string[]));
        break;
      }
      if (bid.state !== 'pending' || Date.now() > deadline) throw new Error(`bench bid not placed: ${JSON.stringify(bid)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return instanceIds;
}

/** A client with one running instance, to read, and a profile to bid on. */
async function prepareOne(port: number) {
  const { apiKey } = await api(port, 'POST', '/clients', ADMIN, { name: 'bench' });
  const { profileId } = await api(port, 'POST', '/submit_workload_profile', apiKey, profile());
  const { bidId } = await api(port, 'POST', '/submit_bid', apiKey, { profileId, price: 1 });
  const [instanceId] = await waitWon(port, apiKey, [bidId]);
  return { apiKey: apiKey as string, profileId: profileId as string, instanceId: instanceId! };
}

interface Owned {
  instanceId: string;
  apiKey: string;
}

/** Runs `task` over `items` with `concurrency` requests in flight. */
async function inParallel<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

/**
 * `instances` running instances spread over `clients` clients (bids of up to 50 instances each, placed by the
 * rounds), each given `samples` feedback samples one minute apart ending now, so rounds predict from real histories.
 */
async function prepareFleet(port: number, fleet: { clients: number; instances: number; samples: number }) {
  const owned: Owned[] = [];
  const profiles: { apiKey: string; profileId: string }[] = [];
  for (let c = 0; c < fleet.clients; c++) {
    const { apiKey } = await api(port, 'POST', '/clients', ADMIN, { name: `bench-${c}` });
    const { profileId } = await api(port, 'POST', '/submit_workload_profile', apiKey, profile(0.25 + 0.25 * (c % 3)));
    profiles.push({ apiKey, profileId });
    const share = Math.floor(fleet.instances / fleet.clients) + (c < fleet.instances % fleet.clients ? 1 : 0);
    const bidIds: string[] = [];
    for (let left = share; left > 0; left -= 50) {
      const count = Math.min(50, left);
      const { bidId } = await api(port, 'POST', '/submit_bid', apiKey, { profileId, price: 1, count }, { 'idempotency-key': `fleet-${left}` });
      bidIds.push(bidId);
    }
    for (const instanceId of await waitWon(port, apiKey, bidIds)) owned.push({ instanceId, apiKey });
  }
  if (fleet.samples > 0) {
    const now = Date.now();
    await inParallel(owned, 8, ({ instanceId, apiKey }) =>
      api(
        port,
        'POST',
        '/provide_runtime_feedback',
        apiKey,
        {
          instanceId,
          samples: Array.from({ length: fleet.samples }, (_, j) => ({
            at: new Date(now - (fleet.samples - j) * 60_000).toISOString(),
            cpu: 0.2 + 0.3 * Math.abs(Math.sin(j / 7)),
            memory: 400 + (j % 10) * 10,
            network: 5 + (j % 5),
          })),
        },
        { 'idempotency-key': `fleet-${instanceId}` },
      ),
    );
  }
  return { owned, profiles };
}

interface Measured {
  name: string;
  driver: string | null;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  requests: number;
  non2xx: number;
  errors: number;
  /** Server process CPU (user + system) per request, in µs. */
  serverCpuMicrosPerRequest: number;
  /** Server process CPU use during the measurement, in cores (1 = one core busy the whole time). */
  serverCpuCores: number;
  /** Mean ms of each round phase over the rounds that ran during the measurement (Parley only). */
  rounds?: { count: number; meanMs: Record<string, number> };
  background?: { feedbackPerSecond: number; bidsPerSecond: number; non2xx: number };
  /** The server's event-loop delay during the measurement (p50, p99, max; prom-client's monitorEventLoopDelay). */
  eventLoopDelayMs?: Record<string, number>;
  /** Status reads answered from the server's status cache during the measurement (warm-up excluded). */
  statusCache?: { hits: number; misses: number; hitRate: number };
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) used so far by a process, from /proc/<pid>/stat (fields 14 and 15). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

interface Scrape {
  /** Sum and count of each phase of parley_round_phase_seconds. */
  phases: Map<string, { sum: number; count: number }>;
  /** parley_status_reads_total by cache result. */
  reads: { hit: number; miss: number };
  /** Event-loop delay since the previous scrape (prom-client resets its histogram at every scrape), in ms. */
  loopDelayMs: Record<string, number>;
}

async function scrape(port: number): Promise<Scrape> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
  const out: Scrape = { phases: new Map(), reads: { hit: 0, miss: 0 }, loopDelayMs: {} };
  for (const line of (await res.text()).split('\n')) {
    const m = /^parley_round_phase_seconds_(sum|count)\{phase="(\w+)"\} ([\d.e+-]+)$/.exec(line);
    if (m) {
      const entry = out.phases.get(m[2]!) ?? { sum: 0, count: 0 };
      entry[m[1] as 'sum' | 'count'] = Number(m[3]);
      out.phases.set(m[2]!, entry);
    }
    const r = /^parley_status_reads_total\{cache="(hit|miss)"\} (\d+)$/.exec(line);
    if (r) out.reads[r[1] as 'hit' | 'miss'] = Number(r[2]);
    const lag = /^nodejs_eventloop_lag_(p50|p99|max)_seconds ([\d.e+-]+)$/.exec(line);
    if (lag) out.loopDelayMs[lag[1]!] = Math.round(Number(lag[2]) * 1e4) / 10;
  }
  return out;
}

/** Runs the load for `warmup` seconds first and discards it: the first seconds after start-up measure the JIT. */
async function measured(
  name: string,
  driver: string | null,
  target: Target,
  options: Options,
  warmup: number,
  background?: (duration: number) => Promise<Measured['background']>,
): Promise<Measured> {
  if (warmup > 0) await Promise.all([autocannon({ ...options, duration: warmup }), background?.(warmup)]);
  const pid = target.child.pid!;
  const before = driver ? await scrape(target.port) : null;
  const cpuBefore = cpuSeconds(pid);
  const [r, bg] = await Promise.all([autocannon(options), background?.(options.duration ?? 10)]);
  const cpu = cpuSeconds(pid) - cpuBefore;
  const out: Measured = {
    name,
    driver,
    requestsPerSecond: r.requests.average,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    serverCpuMicrosPerRequest: Math.round((cpu / Math.max(1, r.requests.total)) * 1e6),
    serverCpuCores: Math.round((cpu / r.duration) * 100) / 100,
  };
  if (before) {
    const after = await scrape(target.port);
    const meanMs: Record<string, number> = {};
    let count = 0;
    for (const [phase, a] of after.phases) {
      const b = before.phases.get(phase) ?? { sum: 0, count: 0 };
      const n = a.count - b.count;
      count = Math.max(count, n);
      meanMs[phase] = n > 0 ? Math.round(((a.sum - b.sum) / n) * 1e4) / 10 : 0;
    }
    out.rounds = { count, meanMs };
    out.eventLoopDelayMs = after.loopDelayMs;
    const hits = after.reads.hit - before.reads.hit;
    const misses = after.reads.miss - before.reads.miss;
    if (hits + misses > 0) out.statusCache = { hits, misses, hitRate: Math.round((hits / (hits + misses)) * 1000) / 1000 };
  }
  if (bg) out.background = bg;
  return out;
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
    const { url, drop } = await createPostgresTestDatabase(pgUrl, 'parley_bench');
    return { env: { DATABASE_URL: url }, dispose: drop };
  };

interface Opts {
  duration: number;
  connections: number;
  rate: number;
  warmup: number;
  clients: number;
  instances: number;
  samples: number;
  backgroundFeedback: number;
  backgroundBids: number;
  uncached: boolean;
  /** Which Parley measurements to run: `status` (both status lines), `feedback` and/or `bids`. */
  lines: string[];
}

async function withServer<T>(provision: Provision, env: Record<string, string>, run: (server: Target) => Promise<T>): Promise<T> {
  const db = await provision();
  const server = await startParley({ ...db.env, ...env });
  try {
    return await run(server);
  } finally {
    await server.stop();
    await db.dispose();
  }
}

/** GET /get_instance_status over the whole fleet, a different instance (and its owner's key) per request. */
function fleetReads(base: string, owned: readonly Owned[], connections: number, duration: number): Options {
  let next = 0;
  return {
    url: base,
    connections,
    duration,
    requests: [
      {
        method: 'GET',
        setupRequest: (request: RequestData) => {
          const { instanceId, apiKey } = owned[next++ % owned.length]!;
          return { ...request, path: `/get_instance_status?instance_id=${instanceId}`, headers: { authorization: `Bearer ${apiKey}` } };
        },
      },
    ],
  };
}

/** One feedback sample (stamped now) per request, each on a random instance of the fleet, posted by its owner. */
function feedbackRequests(owned: readonly Owned[]): Options['requests'] {
  return [
    {
      method: 'POST',
      setupRequest: (request: RequestData) => {
        const { instanceId, apiKey } = owned[Math.floor(Math.random() * owned.length)]!;
        const sample = { at: new Date().toISOString(), cpu: 0.3, memory: 450, network: 6 };
        return {
          ...request,
          path: '/provide_runtime_feedback',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ instanceId, samples: [sample] }),
        };
      },
    },
  ];
}

/** Writes while the reads run: feedback samples (stamped now) on random fleet instances, and bids that get placed. */
function backgroundWriter(base: string, fleet: { owned: readonly Owned[]; profiles: { apiKey: string; profileId: string }[] }, opts: Opts) {
  return async (duration: number): Promise<Measured['background']> => {
    const runs: Promise<Result>[] = [];
    if (opts.backgroundFeedback > 0) {
      runs.push(
        autocannon({
          url: base,
          connections: 2,
          duration,
          overallRate: opts.backgroundFeedback,
          requests: feedbackRequests(fleet.owned),
        }),
      );
    }
    if (opts.backgroundBids > 0) {
      const { apiKey, profileId } = fleet.profiles[0]!;
      runs.push(
        autocannon({
          url: `${base}/submit_bid`,
          method: 'POST',
          connections: 1,
          duration,
          overallRate: opts.backgroundBids,
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ profileId, price: 1 }),
        }),
      );
    }
    const results = await Promise.all(runs);
    const feedback = opts.backgroundFeedback > 0 ? results[0] : undefined;
    const bids = opts.backgroundBids > 0 ? results[results.length - 1] : undefined;
    return {
      feedbackPerSecond: feedback?.requests.average ?? 0,
      bidsPerSecond: bids?.requests.average ?? 0,
      non2xx: results.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
    };
  };
}

async function measureParley(driver: 'pglite' | 'postgres', provision: Provision, opts: Opts, log: (msg: string) => void) {
  const out: Measured[] = [];
  const fleetSpec = { clients: opts.clients, instances: opts.instances, samples: opts.samples };
  const statusRuns = opts.lines.includes('status') ? (opts.uncached ? (['on', 'off'] as const) : (['on'] as const)) : [];
  for (const cache of statusRuns) {
    await withServer(provision, cache === 'off' ? { PARLEY_STATUS_CACHE_MS: '0' } : {}, async (server) => {
      const base = `http://127.0.0.1:${server.port}`;
      log(`  ${driver}: ${opts.instances} instances of ${opts.clients} clients with ${opts.samples} samples each (status cache ${cache})…`);
      const fleet = await prepareFleet(server.port, fleetSpec);
      const reads = fleetReads(base, fleet.owned, opts.connections, opts.duration);
      const background = backgroundWriter(base, fleet, opts);
      const name = cache === 'on' ? 'get_instance_status' : 'get_instance_status_uncached';
      out.push(await measured(name, driver, server, reads, opts.warmup, background));
      if (cache === 'off') return;
      const one = fleet.owned[0]!;
      const single: Options = {
        url: `${base}/get_instance_status?instance_id=${one.instanceId}`,
        connections: opts.connections,
        duration: opts.duration,
        headers: { authorization: `Bearer ${one.apiKey}` },
      };
      out.push(await measured('get_instance_status_one_id', driver, server, single, opts.warmup));
    });
  }
  // Feedback at a fixed rate on a running fleet, as clients report: the ingestion path (ownership check, insert,
  // the instance's last feedback id, and the online recalibration's count against the prediction it holds).
  if (opts.lines.includes('feedback')) {
    await withServer(provision, {}, async (server) => {
      const base = `http://127.0.0.1:${server.port}`;
      log(`  ${driver}: feedback at ${opts.rate} req/s on ${opts.instances} instances…`);
      const fleet = await prepareFleet(server.port, fleetSpec);
      const posts: Options = { url: base, connections: opts.connections, duration: opts.duration, overallRate: opts.rate, requests: feedbackRequests(fleet.owned) };
      out.push(await measured(`provide_runtime_feedback@${opts.rate}rps`, driver, server, posts, opts.warmup));
    });
  }
  // Bids on a fresh database, at a price that clears, so rounds place them (a bid may trigger a round).
  if (!opts.lines.includes('bids')) return out;
  await withServer(provision, {}, async (server) => {
    const { apiKey, profileId } = await prepareOne(server.port);
    const bids: Options = {
      url: `http://127.0.0.1:${server.port}/submit_bid`,
      method: 'POST',
      connections: opts.connections,
      duration: opts.duration,
      overallRate: opts.rate,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ profileId, price: 1 }),
    };
    out.push(await measured(`submit_bid@${opts.rate}rps`, driver, server, bids, opts.warmup));
  });
  return out;
}

export async function main(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const opts: Opts = {
    duration: flag(args, 'duration', 10),
    connections: flag(args, 'connections', 10),
    rate: flag(args, 'rate', 200),
    warmup: flag(args, 'warmup', 3),
    clients: flag(args, 'clients', 4),
    instances: flag(args, 'instances', 1200),
    samples: flag(args, 'samples', 60),
    backgroundFeedback: flag(args, 'background-feedback', 20),
    backgroundBids: flag(args, 'background-bids', 2),
    uncached: args.includes('--uncached'),
    lines: option(args, 'lines', 'status,bids').split(','),
  };
  const pgUrl = option(args, 'pg', process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const drivers = option(args, 'drivers', 'pglite,postgres').split(',');
  serverNodeArgs = option(args, 'server-node-args', '').split(' ').filter(Boolean);
  const log = (msg: string) => process.stderr.write(`${msg}\n`);
  const loadAtStart = loadavg();
  const startedAt = new Date().toISOString();

  const results: Measured[] = [];
  const measureHono = async (name: string) => {
    log(`bare Hono hello-world (${name})…`);
    const hono = await startHono();
    try {
      const hello = { url: `http://127.0.0.1:${hono.port}/`, connections: opts.connections, duration: opts.duration };
      results.push(await measured(name, null, hono, hello, opts.warmup));
    } finally {
      await hono.stop();
    }
  };
  await measureHono('hono_hello');

  if (drivers.includes('pglite')) {
    log('Parley on PGlite…');
    results.push(...(await measureParley('pglite', provisionPglite, opts, log)));
  }
  if (drivers.includes('postgres')) {
    log('Parley on PostgreSQL…');
    results.push(...(await measureParley('postgres', provisionPostgres(pgUrl), opts, log)));
  }

  // The baseline again at the end: on a shared machine the load changes during a run, and the ratio is taken
  // against the faster of the two (the conservative choice).
  await measureHono('hono_hello_end');
  const honoRps = Math.max(...results.filter((r) => r.driver === null).map((r) => r.requestsPerSecond));
  const find = (name: string, driver: string) => results.find((r) => r.name === name && r.driver === driver);
  const ratio = (name: string, driver: string) => {
    const r = find(name, driver);
    return r ? Math.round((r.requestsPerSecond / honoRps) * 1000) / 1000 : null;
  };
  const perDriver = (name: string) => Object.fromEntries(drivers.map((d) => [d, ratio(name, d)]));
  const statusRatio = perDriver('get_instance_status');
  const bidP99 = find(`submit_bid@${opts.rate}rps`, 'postgres')?.latencyMs.p99 ?? null;
  const report = {
    benchmark: 'http',
    date: startedAt,
    command: `npm run -s bench -- http --json ${args.filter((a) => a !== '--json').join(' ')}`.trim(),
    machine: { cpus: cpus().length, node: process.version, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg() },
    options: opts,
    results,
    honoBaselineRequestsPerSecond: honoRps,
    statusToHonoRatio: statusRatio,
    oneIdStatusToHonoRatio: perDriver('get_instance_status_one_id'),
    ...(opts.uncached ? { uncachedStatusToHonoRatio: perDriver('get_instance_status_uncached') } : {}),
    targets: {
      statusReadsAtLeast03xHono: Object.fromEntries(drivers.map((d) => [d, (statusRatio[d] ?? 0) >= 0.3])),
      submitBidP99AtMost50msAt200rpsOnPostgres: { p99Ms: bidP99, met: bidP99 !== null && bidP99 <= 50 && opts.rate >= 200 },
    },
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  for (const r of results) {
    log(
      `${r.name.padEnd(28)} ${String(r.driver ?? '-').padEnd(9)} ${r.requestsPerSecond.toFixed(0).padStart(7)} req/s  ` +
        `p50 ${r.latencyMs.p50} ms  p99 ${r.latencyMs.p99} ms  non2xx ${r.non2xx}  cpu ${r.serverCpuMicrosPerRequest} µs/req` +
        (r.statusCache ? `  cache hit rate ${r.statusCache.hitRate}` : '') +
        (r.eventLoopDelayMs ? `  loop delay ${JSON.stringify(r.eventLoopDelayMs)}` : '') +
        (r.rounds ? `  rounds ${r.rounds.count} ${JSON.stringify(r.rounds.meanMs)}` : ''),
    );
  }
  log(`status/hono: ${JSON.stringify(statusRatio)}; submit_bid p99 on PostgreSQL ${bidP99} ms`);
}
