import { describe, expect, it } from 'vitest';
import { SCORERS } from '../../src/market/scorers/index.js';
import type { NodeView, ScoredDemand } from '../../src/market/scorers/index.js';
import { emptyLoad } from '../../src/market/moments.js';
import { fillShares } from '../../src/market/scorers/shares.js';
import { node } from './builders.js';

const q = (mean: number, p99: number) => ({ mean, p95: p99, p99 });
function demand(over: Partial<ScoredDemand> = {}): ScoredDemand {
  return {
    id: 'd',
    moments: { cpuMean: 4, cpuVar: 0, memoryMean: 16384, memoryVar: 0, networkMean: 2500, networkVar: 0, networkP99: 2500, memoryPeak: 16384 },
    prediction: { cpu: q(1, 2), memory: q(1, 1), network: q(0, 0), modelVersion: null },
    effectivePriority: 50,
    unitPrice: 2,
    violations: 0,
    ...over,
  };
}
const view = (over: Partial<NodeView> = {}): NodeView => {
  const v: NodeView = {
    node: node('n', { cpu: 16, memory: 65536, network: 10000 }),
    load: emptyLoad(),
    interference: { candidateSlowdown: 1, totalAddedSlowdown: 0, tailSlowdown: 0, components: { contention: 0, cacheThrashing: 0, networkCongestion: 0 } },
    shares: new Float64Array(3),
    ...over,
  };
  fillShares(v, demand());
  return v;
};

describe('bid scorers', () => {
  it.each([
    ['price', demand({ unitPrice: 2 }), 4, 2, 0.5],
    ['price', demand({ unitPrice: 0 }), 0, 0, 0],
    ['priority', demand({ effectivePriority: 75 }), 0, 75, 0.75],
    ['priority', demand({ effectivePriority: 150 }), 0, 150, 1],
    ['efficiency', demand(), 0, (0.5 + 1 + 1) / 3, (0.5 + 1 + 1) / 3],
    ['standing', demand({ violations: 0 }), 0, 0, 1],
    ['standing', demand({ violations: 3 }), 0, 3, 0.25],
  ] as const)('%s: raw and normalized', (name, d, maxUnitPrice, raw, normalized) => {
    const s = SCORERS[name];
    if (s.scope !== 'bid') throw new Error('bid scorer expected');
    const r = s.raw(d, { maxUnitPrice });
    expect(r).toBeCloseTo(raw, 9);
    expect(s.normalize(r, { maxUnitPrice })).toBeCloseTo(normalized, 9);
  });
});

describe('node scorers', () => {
  const busy = { ...emptyLoad(), count: 2, cpuMean: 8, memoryMean: 16384, networkMean: 2500 };
  it.each([
    // shares after: cpu 4/16, mem 16384/65536, net 2500/10000 = all 0.25
    ['packing', view(), 0.25, 0.25],
    ['packing', view({ load: busy }), (0.75 + 0.5 + 0.5) / 3, (0.75 + 0.5 + 0.5) / 3],
    ['balance', view(), 0, 1],
    ['interference', view(), 0, 0],
    [
      'interference',
      view({ interference: { candidateSlowdown: 1.5, totalAddedSlowdown: 0.5, tailSlowdown: 0, components: { contention: 1, cacheThrashing: 0, networkCongestion: 0 } } }),
      1,
      0.5,
    ],
  ] as const)('%s: raw and normalized', (name, v, raw, normalized) => {
    const s = SCORERS[name];
    if (s.scope !== 'node') throw new Error('node scorer expected');
    expect(s.raw(demand(), v)).toBeCloseTo(raw, 9);
    expect(s.normalize(s.raw(demand(), v))).toBeCloseTo(normalized, 9);
  });

  it('balance prefers even use across resources', () => {
    const uneven = { ...emptyLoad(), cpuMean: 12 };
    const s = SCORERS.balance;
    if (s.scope !== 'node') throw new Error('node scorer expected');
    expect(s.normalize(s.raw(demand(), view({ load: uneven })))).toBeLessThan(s.normalize(s.raw(demand(), view())));
  });

  it('interference is a cost: it subtracts in the breakdown', () => {
    expect(SCORERS.interference.cost).toBe(true);
    expect(Object.values(SCORERS).filter((s) => s.cost).map((s) => s.name)).toEqual(['interference']);
  });
});
