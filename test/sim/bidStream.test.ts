import { describe, expect, it } from 'vitest';
import { arrivalRate, arrivalTimes, generateWorkloads } from '../../src/sim/bidStream.js';
import { declareBurst, declareFromHistory } from '../../src/sim/declaredProfile.js';
import { SimRandom } from '../../src/sim/random.js';
import { smallScenario, syntheticLibrary } from './scenarioFixture.js';
import type { TraceVm } from '../../src/sim/traceVm.js';

const reserve = { cpu: 0.005, memory: 0.002 / 1024, network: 0.00005 };

describe('arrivals', () => {
  it('peak at peakHour and trough twelve hours later, mean over a day as configured', () => {
    const s = smallScenario({ arrivals: { meanPerHour: 10, diurnalAmplitude: 0.5, peakHour: 14 } });
    expect(arrivalRate(s, s.startAt + 14 * 3_600_000)).toBeCloseTo(15, 9);
    expect(arrivalRate(s, s.startAt + 2 * 3_600_000)).toBeCloseTo(5, 9);
    const long = { ...s, durationHours: 24 * 40 };
    const times = arrivalTimes(long, new SimRandom(7));
    // 9,600 expected; a Poisson count's sd is ~98.
    expect(Math.abs(times.length - 9600)).toBeLessThan(500);
    const hourOf = (t: number) => Math.floor(((t - s.startAt) / 3_600_000) % 24);
    const atPeak = times.filter((t) => hourOf(t) === 14).length;
    const atTrough = times.filter((t) => hourOf(t) === 2).length;
    expect(atPeak / atTrough).toBeGreaterThan(2.5);
  });
});

describe('declared profiles', () => {
  it('come from the history before submission, never from the future', () => {
    const n = 600;
    const cpu = new Float64Array(n).map((_, i) => (i < 300 ? 1 : 5));
    const vm: TraceVm = {
      id: 'step',
      source: 'bitbrains',
      stepSeconds: 300,
      cpu,
      memory: new Float64Array(n).fill(100),
      network: new Float64Array(n).fill(1),
      provisioned: { cpu: 8, memory: 1024 },
    };
    const d = declareFromHistory(vm, 300, 288, 1);
    expect(d.cpu).toEqual({ avg: 1, peak: 1 });
    expect(d.memory).toEqual({ avg: 100, peak: 100 });
  });

  it('measure bursts as spike starts per minute, their magnitude and mean length', () => {
    // 12 steps of 5 min: mean 1.5; two spikes (3, 3 then 4) above 1.5 × mean = 2.25.
    const b = declareBurst([1, 1, 3, 3, 1, 1, 1, 4, 1, 1, 1, 0], 300);
    expect(b.probability).toBeCloseTo(2 / 60, 12);
    expect(b.durationSeconds).toBe(450);
    expect(b.magnitude.p50).toBeCloseTo(2, 12);
    expect(b.magnitude.p99).toBeCloseTo(4 / 1.5, 12);
  });
});

describe('generateWorkloads', () => {
  it('is a pure function of the scenario and the seed', () => {
    const s = smallScenario();
    const a = generateWorkloads(s, syntheticLibrary(), reserve);
    const b = generateWorkloads(s, syntheticLibrary(), reserve);
    const c = generateWorkloads(s, syntheticLibrary(), reserve, s.seed + 1);
    const summary = (ws: typeof a) => ws.map((w) => [w.id, w.submittedAt, w.vm.id, w.valuePerHour, w.priority, w.runtimeSeconds]);
    expect(summary(a)).toEqual(summary(b));
    expect(summary(a)).not.toEqual(summary(c));
  });

  it('gives every workload a contract of its class, a value above zero and a declared profile', () => {
    const s = smallScenario();
    const ws = generateWorkloads(s, syntheticLibrary(), reserve);
    expect(ws.length).toBeGreaterThan(20);
    for (const w of ws) {
      expect(w.contract).toEqual(s.contracts[w.priority]);
      expect(w.valuePerHour).toBeGreaterThan(0);
      expect(w.profile.cpu.peak).toBeGreaterThanOrEqual(w.profile.cpu.avg);
      expect(w.latencySensitive).toBe(s.latencySensitive.includes(w.priority));
      if (w.contract.uninterruptible) expect(w.penalty!.fee).toBeCloseTo(w.contract.feeHours * w.valuePerHour, 9);
    }
  });
});
