import { describe, expect, it } from 'vitest';
import { seeded } from '../../kit/random.ts';

describe('seeded', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = seeded(42);
    const b = seeded(42);
    const c = seeded('another');
    const xs = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('covers the whole range of int() and keeps forks independent but repeatable', () => {
    const r = seeded(7);
    const seen = new Set(Array.from({ length: 500 }, () => r.int(1, 6)));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seeded(7).fork('x').next()).toBe(seeded(7).fork('x').next());
    expect(seeded(7).fork('x').next()).not.toBe(seeded(7).fork('y').next());
    expect(seeded(3).shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
  });
});
