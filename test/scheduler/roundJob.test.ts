/** A round job carries only the instances and bids its worker lacks, and the worker rebuilds the whole snapshot. */
import { describe, expect, it } from 'vitest';
import { StatisticalInterferenceModel, StatisticalPredictor, type Snapshot } from '../../src/market/index.js';
import { JobDecoder, JobEncoder, type RoundJob } from '../../src/scheduler/roundJob.js';
import { bid, instance, node, snapshot } from '../market/builders.js';

const models = { predictor: new StatisticalPredictor(), interference: new StatisticalInterferenceModel(), version: null };
const interference = { kind: 'statistical' as const, sensitivities: new StatisticalInterferenceModel().sensitivities };
/** What postMessage delivers: a structured clone. */
const send = (job: RoundJob): RoundJob => structuredClone(job);

describe('JobEncoder and JobDecoder', () => {
  it('send everything first, then only what changed, and rebuild each snapshot exactly', () => {
    const encoder = new JobEncoder();
    const decoder = new JobDecoder();
    const a = instance('a', 'n1');
    const b = instance('b', 'n1');
    const s1: Snapshot = snapshot({ nodes: [node('n1')], instances: [a, b], bids: [bid('x'), bid('y')] });
    const j1 = encoder.encode(s1, [], models, interference, 1);
    expect(j1.instances.changed.map((i) => i.id)).toEqual(['a', 'b']);
    expect(decoder.decode(send(j1))).toEqual(s1);

    const b2 = { ...b, state: 'notified' as const };
    const s2: Snapshot = { ...s1, instances: [b2, instance('c', 'n1')], bids: [s1.bids[1]!] };
    const j2 = encoder.encode(s2, [], models, interference, 2);
    expect(j2.instances.ids).toEqual(['b', 'c']);
    expect(j2.instances.changed.map((i) => i.id)).toEqual(['b', 'c']);
    expect(j2.bids.changed).toEqual([]);
    expect(decoder.decode(send(j2))).toEqual(s2);

    const j3 = encoder.encode(s2, [], models, interference, 3);
    expect(j3.instances.changed).toEqual([]);
    expect(decoder.decode(send(j3))).toEqual(s2);

    // An instance dropped two jobs ago and back as the same object is sent again: the worker forgot it.
    const s4: Snapshot = { ...s2, instances: [a, ...s2.instances] };
    const j4 = encoder.encode(s4, [], models, interference, 4);
    expect(j4.instances.changed.map((i) => i.id)).toEqual(['a']);
    expect(decoder.decode(send(j4))).toEqual(s4);
  });

  it('after a reset sends the whole snapshot again, and a decoder refuses ids it never got', () => {
    const encoder = new JobEncoder();
    const s: Snapshot = snapshot({ nodes: [node('n1')], instances: [instance('a', 'n1')] });
    encoder.encode(s, [], models, interference, 1);
    expect(() => new JobDecoder().decode(send(encoder.encode(s, [], models, interference, 2)))).toThrow(/never sent/);
    encoder.reset();
    const full = encoder.encode(s, [], models, interference, 3);
    expect(full.instances.changed).toHaveLength(1);
    expect(new JobDecoder().decode(send(full))).toEqual(s);
  });
});
