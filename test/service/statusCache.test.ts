import { describe, expect, it } from 'vitest';
import { StatusCache, type CachedInstance } from '../../src/service/statusCache.js';

const row = (id: string) => ({ instance: { id }, profile: {}, latest: null }) as unknown as CachedInstance;

describe('StatusCache', () => {
  it('serves an entry until its time to live has passed', () => {
    let t = 0;
    const cache = new StatusCache(1000, 10, () => t);
    cache.set(row('a'));
    t = 999;
    expect(cache.get('a')?.instance.id).toBe('a');
    t = 1000;
    expect(cache.get('a')).toBeUndefined();
  });

  it('forgets invalidated and cleared entries', () => {
    const cache = new StatusCache(1000, 10, () => 0);
    cache.set(row('a'));
    cache.set(row('b'));
    cache.invalidate('a');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBeDefined();
    cache.clear();
    expect(cache.get('b')).toBeUndefined();
  });

  it('stores nothing when disabled and drops the oldest entry beyond capacity', () => {
    const off = new StatusCache(0, 10, () => 0);
    off.set(row('a'));
    expect(off.get('a')).toBeUndefined();
    const small = new StatusCache(1000, 2, () => 0);
    small.set(row('a'));
    small.set(row('b'));
    small.set(row('c'));
    expect(small.get('a')).toBeUndefined();
    expect(small.get('c')).toBeDefined();
  });
});
