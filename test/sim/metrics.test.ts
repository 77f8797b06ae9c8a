import { describe, expect, it } from 'vitest';
import { MetricsRecorder, offeredValue, spotAdvisorBucket } from '../../src/sim/metrics.js';
import type { Workload } from '../../src/sim/workload.js';

describe('spotAdvisorBucket', () => {
  it.each([
    [0, '<5%'],
    [0.0499, '<5%'],
    [0.05, '5-10%'],
    [0.12, '10-15%'],
    [0.15, '15-20%'],
    [0.2, '>20%'],
    [3, '>20%'],
  ] as const)('%s per instance-month is %s', (rate, bucket) => {
    expect(spotAdvisorBucket(rate)).toBe(bucket);
  });
});

describe('MetricsRecorder', () => {
  it('turns interruptions and instance-hours into per-instance-month rates per class', () => {
    const m = new MetricsRecorder();
    const r = { cpu: 1, memory: 1, network: 1 };
    m.addCapacity({ cpu: 10, memory: 10, network: 10 }, 730);
    m.addInstanceStep('high', r, { cpu: 2, memory: 1, network: 0 }, 730);
    m.addInstanceStep('critical', r, r, 730);
    m.addInstanceStep('low', r, r, 73);
    m.recordPreemption('high', true, true);
    m.recordPreemption('low', true, false);
    m.recordPreemption('low', false, true);
    const s = m.summarize('p', 'x');
    expect(s.interruptionsByClass.high.rate).toBeCloseTo(1, 12);
    expect(s.interruptionsByClass.low.rate).toBeCloseTo(10, 12);
    expect(s.interruptionsByClass.low.moves).toBe(1);
    expect(s.highPriorityInterruptionRate).toBeCloseTo(0.5, 12);
    expect(s.noticeHonoured).toBeCloseTo(2 / 3, 12);
    expect(s.usedUtilization).toBeCloseTo((2 * 730 + 730 + 73) / 7300, 12);
  });
});

describe('offeredValue', () => {
  const HOUR = 3_600_000;
  const workload = (priority: Workload['priority'], submittedAt: number, runtimeHours: number, valuePerHour: number) =>
    ({ priority, submittedAt, runtimeSeconds: runtimeHours * 3600, valuePerHour }) as Workload;

  it('counts each workload for the standalone hours that fit between its arrival and the end of the run', () => {
    const end = 10 * HOUR;
    const offered = offeredValue(
      [
        workload('low', 0, 4, 1), // fits whole: 4
        workload('low', 8 * HOUR, 4, 1), // 2 of its 4 hours fit: 2
        workload('critical', 9.5 * HOUR, 1, 8), // half an hour: 4
        workload('normal', 11 * HOUR, 1, 3), // arrives after the end: 0
      ],
      end,
    );
    expect(offered.byClass).toEqual({ low: 6, normal: 0, high: 0, critical: 4 });
    expect(offered.total).toBe(10);
  });

  it('books banked value per class, summing to welfare', () => {
    const m = new MetricsRecorder();
    m.bank('low', 1.5);
    m.bank('critical', 2);
    m.bank('low', 0.25);
    const s = m.summarize('p', 'x');
    expect(s.welfare).toBe(3.75);
    expect(s.welfareByClass).toEqual({ low: 1.75, normal: 0, high: 0, critical: 2 });
  });
});
