// BoundedMap: least-recently-used eviction of one entry at a time, checked by hand and against a model (an array
// of entries from least to most recent) over generated sequences of operations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedMap } from './bounded-map.js';

describe('BoundedMap', () => {
  it('keeps at most max entries, forgetting the least recently used one when full', () => {
    const m = new BoundedMap<string, number>(3);
    m.set('a', 1).set('b', 2).set('c', 3);
    expect(m.get('a')).toBe(1); // a is now the most recent
    m.set('d', 4);
    expect(m.size).toBe(3);
    expect(m.has('b')).toBe(false);
    expect([...m.keys()]).toEqual(['c', 'a', 'd']);
  });

  it('evicts one entry per insertion, never everything (a working set one over the bound keeps the rest)', () => {
    const m = new BoundedMap<number, number>(256);
    for (let k = 0; k < 256; k++) m.set(k, k);
    m.set(256, 256);
    expect(m.size).toBe(256);
    expect(m.has(0)).toBe(false);
    for (let k = 1; k <= 256; k++) expect(m.get(k)).toBe(k);
  });

  it('has() does not count as a use; replacing a value does', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1).set('b', 2);
    expect(m.has('a')).toBe(true);
    m.set('c', 3);
    expect(m.has('a')).toBe(false);
    m.set('b', 20);
    m.set('d', 4);
    expect([...m.keys()]).toEqual(['b', 'd']);
    expect(m.get('b')).toBe(20);
  });

  it('forgets the last-used entry when it is deleted (the fast path answers nothing stale)', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1);
    expect(m.get('a')).toBe(1);
    expect(m.delete('a')).toBe(true);
    expect(m.get('a')).toBeUndefined();
    expect(m.delete('a')).toBe(false);
  });

  it('getOrSet makes a value once', () => {
    const m = new BoundedMap<string, { n: number }>(4);
    let made = 0;
    const make = () => ({ n: ++made });
    const first = m.getOrSet('x', make);
    expect(m.getOrSet('x', make)).toBe(first);
    expect(made).toBe(1);
  });

  it('refuses a bound below one', () => {
    expect(() => new BoundedMap(0)).toThrow(RangeError);
    expect(() => new BoundedMap(1.5)).toThrow(RangeError);
  });

  it('behaves as a least-recently-used model on any sequence of operations', () => {
    type Op = { op: 'get' | 'has' | 'delete'; key: number } | { op: 'set'; key: number; value: number };
    const key = fc.integer({ min: 0, max: 7 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant('set' as const), key, value: fc.integer() }),
      fc.record({ op: fc.constantFrom('get' as const, 'has' as const, 'delete' as const), key }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 80 }), (max, ops) => {
        const real = new BoundedMap<number, number>(max);
        // Least recent first.
        let model: [number, number][] = [];
        const index = (k: number) => model.findIndex(([m]) => m === k);
        for (const o of ops) {
          const i = index(o.key);
          if (o.op === 'set') {
            real.set(o.key, o.value);
            if (i >= 0) model.splice(i, 1);
            else if (model.length === max) model = model.slice(1);
            model.push([o.key, o.value]);
          } else if (o.op === 'get') {
            const want = i >= 0 ? model[i]![1] : undefined;
            if (i >= 0) model.push(...model.splice(i, 1));
            expect(real.get(o.key)).toBe(want);
          } else if (o.op === 'has') {
            expect(real.has(o.key)).toBe(i >= 0);
          } else {
            expect(real.delete(o.key)).toBe(i >= 0);
            if (i >= 0) model.splice(i, 1);
          }
          expect(real.size).toBe(model.length);
          expect([...real.keys()]).toEqual(model.map(([k]) => k));
        }
      }),
      { numRuns: 500 },
    );
  });
});
