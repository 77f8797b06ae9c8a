import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue } from '../../src/sim/eventQueue.js';

type E = { at: number; kind: 'a' | 'b'; rank: number; id: number };

describe('EventQueue', () => {
  it('pops by time, then rank, then insertion order', () => {
    const q = new EventQueue<'a' | 'b', E>();
    q.push({ at: 5, kind: 'b', rank: 1, id: 1 });
    q.push({ at: 5, kind: 'a', rank: 0, id: 2 });
    q.push({ at: 1, kind: 'b', rank: 1, id: 3 });
    q.push({ at: 5, kind: 'a', rank: 0, id: 4 });
    expect([q.pop(), q.pop(), q.pop(), q.pop(), q.pop()].map((e) => e?.id)).toEqual([3, 2, 4, 1, undefined]);
  });

  it('yields any batch of events in (time, rank, insertion) order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 2 }))), (items) => {
        const q = new EventQueue<'a', E & { kind: 'a' }>();
        items.forEach(([at, rank], id) => q.push({ at, rank, kind: 'a', id }));
        const popped: number[] = [];
        for (let e = q.pop(); e; e = q.pop()) popped.push(e.id);
        const expected = items
          .map(([at, rank], id) => ({ at, rank, id }))
          .sort((x, y) => x.at - y.at || x.rank - y.rank || x.id - y.id)
          .map((e) => e.id);
        expect(popped).toEqual(expected);
      }),
    );
  });
});
