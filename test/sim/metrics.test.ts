import { describe, expect, it } from 'vitest';
import { MetricsRecorder, spotAdvisorBucket } from '../../src/sim/metrics.js';

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
