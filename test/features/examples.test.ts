import { describe, expect, it } from 'vitest';
import { declareProfile, traceExamples } from '../../src/features/index.js';
import type { TraceInstance } from '../../src/traces/index.js';

const T0 = Date.UTC(2013, 6, 1);
function vm(days: number, cpu: (i: number) => number, gaps: (i: number) => boolean = () => false): TraceInstance {
  const samples = [];
  for (let i = 0; i < days * 288; i++) {
    if (!gaps(i)) samples.push({ at: T0 + i * 300_000, cpu: cpu(i), memory: 100 + cpu(i), network: 0.5 });
  }
  return { id: 'vm', format: 'bitbrains', capacity: { cpu: 4, memory: 4096, network: null }, intervalSeconds: 300, samples, hasNetwork: true, hasMemory: true };
}

describe('declareProfile', () => {
  it('declares avg from the first day and peak from the provisioned capacity; later data changes nothing', () => {
    const a = declareProfile(vm(3, (i) => (i < 288 ? 1 : 3)));
    const b = declareProfile(vm(3, (i) => (i < 288 ? 1 : 0)));
    expect(a).toEqual(b);
    expect(a.cpu).toEqual({ avg: 1, peak: 4 });
    expect(a.memory).toEqual({ avg: 101, peak: 4096 });
    expect(a.network).toEqual({ avg: 0.5, peak: 0.5 }); // no provisioned network: the window's max
  });

  it('declares an observed peak, the most the first day used, for every resource when asked', () => {
    const p = declareProfile(vm(3, (i) => (i < 288 ? 1 + (i % 3) : 7)), undefined, 'observed');
    expect(p.cpu).toEqual({ avg: 2, peak: 3 });
    expect(p.memory).toEqual({ avg: 102, peak: 103 });
    expect(p.network).toEqual({ avg: 0.5, peak: 0.5 });
    expect(p.burst).toEqual(declareProfile(vm(3, (i) => (i < 288 ? 1 + (i % 3) : 7))).burst);
  });
  it('measures CPU bursts in the declaration window', () => {
    // A 3-sample spike to 5× every 2 hours (24 per hour slots → 12 spikes a day).
    const p = declareProfile(vm(2, (i) => (i % 24 < 3 ? 5 : 1)));
    expect(p.burst.probability).toBeCloseTo(12 / (24 * 60), 6);
    expect(p.burst.durationSeconds).toBe(900);
    expect(p.burst.magnitude.p50).toBeGreaterThan(3);
  });
});

describe('traceExamples', () => {
  it('anchors hourly after the declaration day, with a day of history and the next hour as target', () => {
    const examples = [...traceExamples(vm(3, (i) => i))];
    expect(examples).toHaveLength(48);
    const first = examples[0]!;
    expect(first.at).toBe(T0 + 86_400_000);
    expect(first.input.history).toHaveLength(288);
    expect(first.input.history.at(-1)!.at).toBe(first.at - 300_000);
    expect(Array.from(first.target.samples.cpu)).toEqual(Array.from({ length: 12 }, (_, k) => 288 + k));
    expect(first.target.mean.cpu).toBe(288 + 5.5);
    expect(first.target.p95.cpu).toBeCloseTo(288 + 0.95 * 11, 9);
  });

  it('skips anchors after a gap longer than the horizon and targets with too few samples', () => {
    // Day 2, hours 5–7 missing: the target hours 5 and 6 lack samples, hour 7 and 8 lack recent history.
    const missing = (i: number) => i >= 288 + 5 * 12 && i < 288 + 8 * 12;
    const examples = [...traceExamples(vm(3, () => 1, missing))];
    const hours = examples.map((e) => (e.at - T0) / 3_600_000 - 24);
    expect(hours).not.toContain(5);
    expect(hours).not.toContain(6);
    expect(hours).not.toContain(7);
    expect(hours).toContain(9);
  });

  it('cuts the history to historyWindowMs and keeps the same anchors and targets', () => {
    const trace = vm(3, (i) => i);
    const full = [...traceExamples(trace)];
    const short = [...traceExamples(trace, { historyWindowMs: 3_600_000 })];
    expect(short.map((e) => e.at)).toEqual(full.map((e) => e.at));
    for (const [i, e] of short.entries()) {
      expect(e.input.history).toHaveLength(12);
      expect(e.input.history[0]!.at).toBe(e.at - 3_600_000);
      expect(e.input.history).toEqual(full[i]!.input.history.slice(-12));
      expect(e.target).toEqual(full[i]!.target);
    }
  });
});
