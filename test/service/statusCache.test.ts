import { describe, expect, it } from 'vitest';
import { StatusCache, type CachedInstance } from '../../src/service/statusCache.js';

const row = (id: string, version = 1) => ({ instance: { id, version }, profile: {}, latest: null }) as unknown as CachedInstance;

describe('StatusCache', () => {
  it('serves an entry until its time to live has passed, counted from before the read', () => {
    let t = 0;
    const cache = new StatusCache(1000, 10, () => t);
    const token = cache.token();
    const readAt = cache.now();
    t = 300; // the read took 300 ms
    cache.set(row('a'), token, readAt);
    t = 999;
    expect(cache.get('a')?.instance.id).toBe('a');
    t = 1000;
    expect(cache.get('a')).toBeUndefined();
  });

  it('forgets invalidated and cleared entries', () => {
    const cache = new StatusCache(1000, 10, () => 0);
    cache.set(row('a'), cache.token());
    cache.set(row('b'), cache.token());
    cache.invalidate('a');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBeDefined();
    cache.clear();
    expect(cache.get('b')).toBeUndefined();
  });

  it('stores nothing when disabled and drops the oldest entry beyond capacity', () => {
    const off = new StatusCache(0, 10, () => 0);
    off.set(row('a'), off.token());
    off.refresh([row('b')], off.token(), 0);
    expect(off.get('a')).toBeUndefined();
    expect(off.get('b')).toBeUndefined();
    const small = new StatusCache(1000, 2, () => 0);
    small.set(row('a'), small.token());
    small.set(row('b'), small.token());
    small.set(row('c'), small.token());
    expect(small.get('a')).toBeUndefined();
    expect(small.get('c')).toBeDefined();
  });

  it('refuses what a read stores when its instance was invalidated after the read began', () => {
    const cache = new StatusCache(1000, 10, () => 0);
    const slow = cache.token(); // a read starts …
    cache.invalidate('a'); // … a write to the instance commits meanwhile …
    cache.set(row('a', 1), slow); // … and the read's (possibly older) row arrives: dropped
    expect(cache.get('a')).toBeUndefined();
    cache.set(row('b'), slow); // another instance from the same read is fine
    expect(cache.get('b')).toBeDefined();
    const after = cache.token(); // a read that began after the write stores its row
    cache.set(row('a', 2), after);
    expect(cache.get('a')?.instance.version).toBe(2);
  });

  it('refreshes from a round, skipping instances invalidated since its snapshot began, and keeps newer rows', () => {
    let t = 0;
    const cache = new StatusCache(1000, 10, () => t);
    const token = cache.token();
    const readAt = cache.now();
    t = 50;
    cache.invalidate('b'); // feedback for b stored while the round read its snapshot
    const late = cache.token();
    t = 60;
    cache.set(row('c', 7), late, 60); // a status read of c that began after the snapshot
    cache.refresh([row('a'), row('b'), row('c', 6)], token, readAt);
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')?.instance.version).toBe(7);
    // Entries are as old as the snapshot: they expire one TTL after it began.
    t = 999;
    expect(cache.get('a')).toBeDefined();
    t = 1000;
    expect(cache.get('a')).toBeUndefined();
  });

  it('refuses reads that began before a refresh forgot the invalidations, and before a clear', () => {
    const cache = new StatusCache(1000, 10, () => 0);
    const old = cache.token();
    cache.invalidate('x');
    cache.refresh([], cache.token(), 0);
    cache.set(row('a'), old); // could predate a forgotten invalidation of a: dropped
    expect(cache.get('a')).toBeUndefined();
    const before = cache.token();
    cache.clear();
    cache.set(row('a'), before);
    expect(cache.get('a')).toBeUndefined();
    cache.set(row('a'), cache.token());
    expect(cache.get('a')).toBeDefined();
  });
});
