/**
 * An interference model that predicts an upper quantile (tailSlowdown, upperQuantile): placement keeps everyone's
 * tail under the QoS limit, and re-scheduling moves residents off a node whose predicted tail is over it until the
 * model sees it under again. The model here is a test double with a transparent rule: the tail of a node is
 * 1 + 0.1 · (instances on it), the slowdown a resident adds grows with its CPU.
 */
import { describe, expect, it } from 'vitest';
import { clearRound, StatisticalPredictor, seededRandom } from '../../src/market/index.js';
import type { DemandView, EngineDeps, InterferenceEstimate, InterferenceModel, NodeCapacity } from '../../src/market/index.js';
import { bid, instance, node, NOW, profile, snapshot } from './builders.js';
import { defaultEngineConfig } from '../../src/market/config.js';
import { pinnedForToday } from '../../src/market/contract.js';

class CountingTail implements InterferenceModel {
  readonly version = 'tail-test';
  readonly upperQuantile = 0.9;
  estimate(candidate: DemandView, _node: NodeCapacity, coRunners: readonly DemandView[]): InterferenceEstimate {
    return {
      candidateSlowdown: 1,
      addedSlowdown: coRunners.map(() => 0.01 * candidate.profile.cpu.avg),
      tailSlowdown: 1 + 0.1 * (coRunners.length + 1),
      components: { contention: 0, cacheThrashing: 0, networkCongestion: 0 },
    };
  }
}
const deps = (): EngineDeps => ({ predictor: new StatisticalPredictor(), interference: new CountingTail(), random: seededRandom(1) });
const small = profile({ cpu: { avg: 0.5, peak: 1 }, memory: { avg: 256, peak: 512 }, network: { avg: 1, peak: 2 } });
const big = { cpu: 64, memory: 262_144, network: 25_000 };
/** The limit the cases below are built around (the tails step by 0.1 per resident). */
const qosSlowdownLimit = 1.2;

describe('the QoS limit on a model tail', () => {
  it('places on a node only while the predicted tail of everyone there stays under the limit', () => {
    const plan = clearRound(
      snapshot({
        nodes: [node('crowded', big), node('quiet', big)],
        // Two residents: a third would make the tail 1.3 > 1.2. The quiet node has one: a second makes 1.2.
        instances: [instance('a', 'crowded', { profile: small }), instance('b', 'crowded', { profile: small }), instance('c', 'quiet', { profile: small })],
        bids: [bid('x', { profile: small, price: 1 })],
      }),
      deps(),
      { qosSlowdownLimit, weights: { packing: 5 } }, // packing alone would pick the crowded node
    );
    expect(plan.placements.map((p) => p.nodeIds)).toEqual([['quiet']]);
  });

  it('re-scheduling moves the most-blamed residents off a node predicted over the limit, until it is under', () => {
    const heavy = profile({ ...small, cpu: { avg: 4, peak: 6 } });
    const plan = clearRound(
      snapshot({
        nodes: [node('hot', big), node('spare', big), node('spare2', big)],
        // Four residents: tail 1.4. One leaving gives 1.3, two give 1.2: two moves, the heaviest (most blamed) first.
        instances: [
          instance('h1', 'hot', { profile: heavy }),
          instance('h2', 'hot', { profile: { ...heavy, cpu: { avg: 3, peak: 5 } } }),
          instance('l1', 'hot', { profile: small }),
          instance('l2', 'hot', { profile: small }),
        ],
      }),
      deps(),
      { qosSlowdownLimit },
    );
    const moved = plan.preemptions.filter((p) => p.reason === 'interference');
    expect(moved.map((p) => p.instanceId)).toEqual(['h1', 'h2']);
    for (const p of moved) expect(p.moveToNodeId).not.toBeNull();
  });

  it('passes over a resident whose contract allows no interruption today, and relieves the node with the next-most-blamed', () => {
    const heavy = profile({ ...small, cpu: { avg: 4, peak: 6 } });
    // h1 is the most blamed, but it was interrupted twice in the last day: its budget (2 a day) is used up.
    const spent = instance('h1', 'hot', { profile: heavy, interruptions: [NOW - 2 * 3600_000, NOW - 3600_000 - 1] });
    const rest = [
      instance('h2', 'hot', { profile: { ...heavy, cpu: { avg: 3, peak: 5 } } }),
      instance('l1', 'hot', { profile: small }),
      instance('l2', 'hot', { profile: small }),
    ];
    const plan = clearRound(
      snapshot({ nodes: [node('hot', big), node('spare', big), node('spare2', big)], instances: [spent, ...rest] }),
      deps(),
      { qosSlowdownLimit },
    );
    // Without h1 the node needs two to leave besides it (tail 1.4 → 1.2 with h1 staying): h2, then l1.
    const moved = plan.preemptions.filter((p) => p.reason === 'interference');
    expect(moved.map((p) => p.instanceId)).toEqual(['h2', 'l1']);
    expect(pinnedForToday(spent, NOW, defaultEngineConfig)).toBe(true);
    // A block that passes within the hour (the minimum runtime) does not pin: the engine waits for the instance itself.
    const young = instance('y', 'hot', { profile: heavy, startedAt: NOW - 1000 });
    expect(pinnedForToday(young, NOW, defaultEngineConfig)).toBe(false);
    expect(pinnedForToday(rest[0]!, NOW, defaultEngineConfig)).toBe(false);
  });
});
