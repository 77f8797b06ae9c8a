import type { WorkloadProfile } from '../../src/market/types.js';

export function webProfile(overrides: Partial<WorkloadProfile> = {}): WorkloadProfile {
  return {
    name: 'web',
    cpu: { avg: 2, peak: 4 },
    memory: { avg: 2048, peak: 4096 },
    network: { avg: 100, peak: 400 },
    burst: { probability: 0.1, magnitude: { p50: 1.5, p90: 2, p99: 3 }, durationSeconds: 30 },
    interruptibility: { maxInterruptionsPerDay: 4, maxInterruptionSeconds: 300, minNoticeSeconds: 60 },
    priority: 'normal',
    expectedRuntimeSeconds: 3600,
    ...overrides,
  };
}

export const smallNodes = (n: number, prefix = 'n') =>
  Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i + 1}`,
    cpu: 16,
    memory: 65536,
    network: 10000,
    labels: { zone: i % 2 === 0 ? 'a' : 'b' },
  }));
