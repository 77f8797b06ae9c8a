import { describe, expect, it } from 'vitest';
import { InfeasibleDemands } from '../../src/market/infeasible.js';
import type { DemandMoments } from '../../src/market/index.js';

const d = (over: Partial<DemandMoments> = {}): DemandMoments => ({
  cpuMean: 1,
  cpuVar: 1,
  memoryMean: 1,
  memoryVar: 1,
  networkMean: 1,
  networkVar: 1,
  networkP99: 1,
  memoryPeak: 1,
  ...over,
});

describe('InfeasibleDemands', () => {
  it('covers demands at least as large on every constrained quantity', () => {
    const memo = new InfeasibleDemands();
    memo.record(d());
    expect(memo.covers(d())).toBe(true);
    expect(memo.covers(d({ cpuMean: 2, memoryPeak: 5 }))).toBe(true);
    // network p99 is not part of the chance constraint, so it does not matter
    expect(memo.covers(d({ networkP99: 0 }))).toBe(true);
    for (const k of ['cpuMean', 'cpuVar', 'memoryMean', 'memoryVar', 'networkMean', 'networkVar', 'memoryPeak'] as const) {
      expect(memo.covers(d({ [k]: 0.5 }))).toBe(false);
    }
  });

  it('keeps only the most recent failures', () => {
    const memo = new InfeasibleDemands(2);
    memo.record(d({ cpuMean: 1 }));
    memo.record(d({ cpuMean: 5 }));
    memo.record(d({ cpuMean: 6 }));
    expect(memo.covers(d({ cpuMean: 2 }))).toBe(false);
    expect(memo.covers(d({ cpuMean: 5.5 }))).toBe(true);
  });
});
