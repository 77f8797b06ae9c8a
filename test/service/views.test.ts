import { describe, expect, it } from 'vitest';
import type { CachedInstance } from '../../src/service/statusCache.js';
import { instanceStatusJson, instanceView } from '../../src/service/views.js';
import { webProfile } from '../helpers/fixtures.js';

const T0 = Date.UTC(2026, 0, 1);

function row(state: CachedInstance['instance']['state'], overrides: Partial<CachedInstance['instance']> = {}): CachedInstance {
  const prediction = { cpu: { mean: 1.1, p95: 2.2, p99: 3 }, memory: { mean: 2000, p95: 2500, p99: 3000 }, network: { mean: 90, p95: 120, p99: 150 }, modelVersion: 'v1' };
  return {
    instance: {
      id: 'in_1',
      bidId: 'bid_1',
      clientId: 'cl_1',
      nodeId: 'n-1',
      state,
      bidPrice: 5,
      price: 1.234567,
      declaredPriority: 'normal',
      effectivePriority: 47.5,
      uninterruptible: false,
      penalty: null,
      prediction,
      interferenceScore: 0.0123,
      score: { total: 0.71, terms: [{ name: 'price', raw: 5, normalized: 0.5, weight: 0.4, contribution: 0.2 }] },
      interruptions: [],
      movedFrom: [],
      notice:
        state === 'notified'
          ? { reason: 'drain', noticeGivenSeconds: 120, deadline: T0 + 120_000, noticedAt: T0, preemptorId: null, penalty: null, moveToNodeId: 'n-2' }
          : null,
      startedAt: T0,
      endedAt: state === 'running' || state === 'notified' ? null : T0 + 1_000_000,
      version: 3,
      feedbackCount: 1,
      lastFeedbackId: 1,
      ...overrides,
    },
    profile: webProfile(),
    latest: { at: T0 + 5000, cpu: 1.5, memory: 1800, network: 70 },
  };
}

describe('instanceStatusJson', () => {
  for (const state of ['running', 'notified', 'completed', 'terminated', 'preempted'] as const) {
    it(`is the JSON of instanceView at every time for a ${state} instance, built once per row`, () => {
      const r = row(state);
      for (const now of [T0, T0 + 1234, T0 + 3_599_999, T0 + 7_200_000]) {
        expect(JSON.parse(instanceStatusJson(r, now))).toEqual(instanceView(r.instance, r.profile, r.latest, now));
      }
    });
  }

  it('keeps each row to its own JSON', () => {
    const a = row('running');
    const b = row('running', { nodeId: 'n-9' });
    expect(JSON.parse(instanceStatusJson(a, T0)).nodeId).toBe('n-1');
    expect(JSON.parse(instanceStatusJson(b, T0)).nodeId).toBe('n-9');
  });
});
