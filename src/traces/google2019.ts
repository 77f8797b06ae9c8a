import { parse } from 'csv-parse';
import { GridResampler } from './resample.js';
import { traceFiles } from './sources.js';
import { TraceFormatError, type TraceInstance } from './types.js';

/**
 * Reader for Google ClusterData 2019 instance usage exported as CSV (BigQuery's export of `instance_usage`, alone
 * or joined with `instance_events`, as in the fixture). One row is one 5-minute usage window of one instance
 * (collection_id + instance_index). Columns used: `start_time` (microseconds), `collection_id`, `instance_index`,
 * `average_usage` and `resource_request` (nested `{'cpus': x, 'memory': y}` structures written Python-style).
 *
 * Usage and requests are normalized to the largest machine's capacity (schema v3), so absolute units need a scale:
 * `machine` says what 1.0 is. The default (32 cores, 128 GiB) is an assumption, not a published figure; it only
 * rescales, so it changes nothing about relative accuracy. The trace has no network column: `hasNetwork` is false.
 *
 * Rows of one instance can be anywhere in a file, so instances are grouped in memory before they are yielded
 * (memory grows with the rows read; split a large export by collection to bound it).
 */

export interface Google2019Options {
  machine?: { cpuCores: number; memoryMiB: number };
  intervalSeconds?: number;
}

export const DEFAULT_GOOGLE_MACHINE = { cpuCores: 32, memoryMiB: 131_072 } as const;

interface Pending {
  resampler: GridResampler;
  requestCpu: number;
  requestMemory: number;
}

export async function* readGoogle2019(path: string, options: Google2019Options = {}): AsyncGenerator<TraceInstance> {
  const machine = options.machine ?? DEFAULT_GOOGLE_MACHINE;
  const intervalSeconds = options.intervalSeconds ?? 300;
  const instances = new Map<string, Pending>();
  for await (const file of traceFiles(path, (name) => /\.csv$/i.test(name))) {
    const rows = parse({ columns: true, relax_column_count: true, skip_empty_lines: true });
    const feed = (async () => {
      for await (const chunk of file.chunks) if (!rows.write(chunk)) await new Promise((r) => rows.once('drain', r));
      rows.end();
    })();
    let rowNumber = 1;
    for await (const row of rows as AsyncIterable<Record<string, string>>) {
      rowNumber += 1;
      const where = `${file.name} row ${rowNumber}`;
      for (const column of ['start_time', 'collection_id', 'instance_index', 'average_usage']) {
        if (!(column in row)) throw new TraceFormatError(where, `missing column ${column} (is this a 2019 usage export?)`);
      }
      const usage = nestedUsage(row['average_usage'] ?? '', where);
      if (usage.cpus === null) continue; // a window with no CPU measurement carries nothing to learn from
      const key = `${row['collection_id']}/${row['instance_index']}`;
      let pending = instances.get(key);
      if (!pending) {
        pending = { resampler: new GridResampler(intervalSeconds), requestCpu: 0, requestMemory: 0 };
        instances.set(key, pending);
      }
      const request = row['resource_request'] ? nestedUsage(row['resource_request'], where) : { cpus: 0, memory: 0 };
      pending.requestCpu = Math.max(pending.requestCpu, request.cpus ?? 0);
      pending.requestMemory = Math.max(pending.requestMemory, request.memory ?? 0);
      const startMicros = Number(row['start_time']);
      if (!Number.isFinite(startMicros)) throw new TraceFormatError(where, `start_time is not a number`);
      pending.resampler.add(startMicros / 1000, usage.cpus * machine.cpuCores, (usage.memory ?? 0) * machine.memoryMiB, 0);
    }
    await feed;
  }
  for (const [id, pending] of [...instances].sort(([a], [b]) => a.localeCompare(b))) {
    yield {
      id,
      format: 'google2019',
      capacity: {
        cpu: pending.requestCpu * machine.cpuCores,
        memory: pending.requestMemory > 0 ? pending.requestMemory * machine.memoryMiB : null,
        network: null,
      },
      intervalSeconds,
      samples: pending.resampler.samples(),
      hasNetwork: false,
      hasMemory: true,
    };
  }
}

/** Parses `{'cpus': 0.0046, 'memory': None}`; `None` or a missing key becomes null. */
export function nestedUsage(text: string, where: string): { cpus: number | null; memory: number | null } {
  if (!/^\s*\{.*\}\s*$/s.test(text)) throw new TraceFormatError(where, `expected a {'cpus': …, 'memory': …} structure, got ${text.slice(0, 40)}`);
  const field = (name: string): number | null => {
    const match = new RegExp(`'${name}'\\s*:\\s*([^,}]+)`).exec(text);
    const raw = match?.[1]?.trim();
    if (raw === undefined || raw === 'None' || raw === 'nan') return null;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new TraceFormatError(where, `${name} is not a number: ${raw}`);
    return value;
  };
  return { cpus: field('cpus'), memory: field('memory') };
}
