import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nestedUsage, readGoogle2019, type TraceInstance } from '../../src/traces/index.js';

async function collect(path: string, options = {}): Promise<TraceInstance[]> {
  const out: TraceInstance[] = [];
  for await (const i of readGoogle2019(path, options)) out.push(i);
  return out;
}

describe('readGoogle2019', () => {
  it('reads the committed fixture, multi-line quoted fields included', async () => {
    const instances = await collect('data/google-clusterdata-2019-slice.csv');
    // 99 rows, one instance appears 3 times, and two rows have no CPU measurement.
    const repeated = instances.find((i) => i.id === '116646838687/17');
    expect(repeated).toBeDefined();
    expect(instances.length).toBeGreaterThan(90);
    const first = instances.find((i) => i.id === '94591244395/144')!;
    expect(first.samples).toEqual([
      { at: 274_800_000, cpu: 0.00466156005859375 * 32, memory: 0.00592041015625 * 131072, network: 0 },
    ]);
    expect(first.capacity).toEqual({ cpu: 0.020660400390625 * 32, memory: 0.014434814453125 * 131072, network: null });
    expect(first.hasNetwork).toBe(false);
  });

  it('scales by the machine given', async () => {
    const instances = await collect('data/google-clusterdata-2019-slice.csv', { machine: { cpuCores: 1, memoryMiB: 1 } });
    const first = instances.find((i) => i.id === '94591244395/144')!;
    expect(first.samples[0]!.cpu).toBe(0.00466156005859375);
  });

  it('groups the rows of one instance and sorts them by time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'g19-'));
    const csv = [
      'start_time,collection_id,instance_index,average_usage,resource_request',
      `600000000,1,0,"{'cpus': 0.5, 'memory': 0.25}","{'cpus': 1.0, 'memory': 0.5}"`,
      `300000000,1,0,"{'cpus': 0.25, 'memory': None}","{'cpus': 1.0, 'memory': 0.5}"`,
      `300000000,2,0,"{'cpus': None, 'memory': 0.1}",`,
    ].join('\n');
    await writeFile(join(dir, 'usage.csv'), csv);
    const instances = await collect(dir, { machine: { cpuCores: 10, memoryMiB: 100 } });
    expect(instances.map((i) => i.id)).toEqual(['1/0']);
    expect(instances[0]!.samples).toEqual([
      { at: 300_000, cpu: 2.5, memory: 0, network: 0 },
      { at: 600_000, cpu: 5, memory: 25, network: 0 },
    ]);
  });

  it('rejects a CSV that is not a usage export', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'g19-'));
    await writeFile(join(dir, 'x.csv'), 'a,b\n1,2\n');
    await expect(collect(dir)).rejects.toThrow(/missing column start_time/);
  });

  it('parses the Python-style nested structures', () => {
    expect(nestedUsage("{'cpus': 0.5, 'memory': None}", 'here')).toEqual({ cpus: 0.5, memory: null });
    expect(() => nestedUsage('0.5', 'here')).toThrow(/here: expected a/);
  });
});
