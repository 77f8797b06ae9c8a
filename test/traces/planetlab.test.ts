import { describe, expect, it } from 'vitest';
import { parseTraceRef, readTrace, type TraceInstance } from '../../src/traces/index.js';

describe('readPlanetLab through readTrace', () => {
  it('reads a directory of per-VM files as one-core VMs, 288 five-minute samples each', async () => {
    const vms: TraceInstance[] = [];
    for await (const vm of readTrace(parseTraceRef('planetlab:data/planetlab-20110303-sample'))) vms.push(vm);
    expect(vms).toHaveLength(5);
    for (const vm of vms) {
      expect(vm.samples).toHaveLength(288);
      expect(vm.samples[1]!.at - vm.samples[0]!.at).toBe(300_000);
      expect(vm.samples.every((s) => s.cpu >= 0 && s.cpu <= 1)).toBe(true);
    }
  });

  it('rejects an unknown format with the list of known ones', () => {
    expect(() => parseTraceRef('azure:/x')).toThrow(/bitbrains, google2019, planetlab/);
    expect(() => parseTraceRef('bitbrains:')).toThrow(/expected <format>:<path>/);
  });
});
