import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultGroundTruth, evaluateNode, pressure, type NodeTruth, type Tenant } from '../../src/sim/groundTruth.js';

const node: NodeTruth = { cpu: 10, memory: 1000, network: 1000, memoryBandwidth: 10, hostFactor: 1 };
const tenant = (cpu: number, memory = 10, network = 0, memoryIntensity = 1, noise = 0): Tenant => ({
  demand: { cpu, memory, network },
  memoryIntensity,
  noise,
});

describe('pressure', () => {
  it('is continuous at full use and grows with κ beyond it', () => {
    expect(pressure(1, 0.3, 1)).toBeCloseTo(0.3, 12);
    expect(pressure(1 + 1e-9, 0.3, 1)).toBeCloseTo(0.3, 6);
    expect(pressure(2, 0.3, 1)).toBeCloseTo(1.3, 12);
    expect(pressure(0.5, 0.4, 1)).toBeCloseTo(0.1, 12);
  });
});

describe('evaluateNode', () => {
  it('barely slows a lone light workload', () => {
    const out = evaluateNode(node, [tenant(1)]);
    // ρ_cpu = 0.1 → 0.1·0.01; ρ_bw = 0.1 → 0.35·0.01
    expect(out.slowdowns[0]).toBeCloseTo(1 + 0.1 * 0.01 + 0.35 * 0.01, 9);
    expect(out.overCapacity).toBe(false);
  });

  it('stretches work in proportion to CPU overload and caps what each tenant consumes', () => {
    const out = evaluateNode(node, [tenant(10, 10, 0, 0.25), tenant(10, 10, 0, 0.25)]);
    // ρ_cpu = 2 → 0.1 + 1; ρ_bw = 2·0.25 = 0.5 → 0.35·0.25 · 0.25 weight
    expect(out.slowdowns[0]).toBeCloseTo(1 + 1.1 + 0.25 * 0.35 * 0.25, 9);
    expect(out.consumed[0]!.cpu).toBeCloseTo(5, 9);
    expect(out.overCapacity).toBe(true);
  });

  it('hurts bandwidth-hungry tenants more than light ones on a saturated memory bus', () => {
    const out = evaluateNode(node, [tenant(4, 10, 0, 2), tenant(4, 10, 0, 0.25)]);
    expect(out.slowdowns[0]!).toBeGreaterThan(out.slowdowns[1]!);
  });

  it('applies swap pressure when memory is over capacity', () => {
    const out = evaluateNode(node, [tenant(1, 1500)]);
    expect(out.slowdowns[0]!).toBeGreaterThan(1 + 4 * 0.5 - 1e-9);
    expect(out.overCapacity).toBe(true);
  });

  it('applies the run-to-run noise multiplicatively and leaves the host speed out of the slowdown', () => {
    const noisy = evaluateNode({ ...node, hostFactor: 1.1 }, [tenant(1, 10, 0, 1, 2)]);
    const base = evaluateNode(node, [tenant(1)]);
    expect(noisy.slowdowns[0]! / base.slowdowns[0]!).toBeCloseTo(Math.exp(2 * defaultGroundTruth.runToRunLogSd), 9);
  });

  it('never lowers anyone’s slowdown when a co-runner is added (noise off)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ cpu: fc.double({ min: 0, max: 8, noNaN: true }), net: fc.double({ min: 0, max: 400, noNaN: true }) }), { minLength: 1, maxLength: 6 }),
        fc.double({ min: 0, max: 8, noNaN: true }),
        (tenants, extra) => {
          const before = evaluateNode(node, tenants.map((t) => tenant(t.cpu, 10, t.net)));
          const after = evaluateNode(node, [...tenants.map((t) => tenant(t.cpu, 10, t.net)), tenant(extra)]);
          before.slowdowns.forEach((s, i) => expect(after.slowdowns[i]!).toBeGreaterThanOrEqual(s - 1e-12));
        },
      ),
    );
  });
});
