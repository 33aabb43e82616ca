// The relay's one bounded memo: a map of at most `max` entries that, when full, forgets the least recently used
// entry (one at a time) to make room. The memos before it forgot everything at once when full, so a working set
// one entry larger than the bound was recomputed whole on every pass.
//
// A thin wrapper over lru-cache (a dependency already): measured on Node 20 against a Map used in insertion
// order (delete + set on every hit), lru-cache's hits cost 10-35 ns against 20-50 ns, and its evictions 90 ns
// against 160-220 ns; a plain Map get (the memos it replaces) is 5-10 ns. The wrapper adds one thing: the entry
// used last is answered without asking the cache. It is already the most recent, so skipping the cache changes
// no order, and the hot memos (a zone's year, asked once per event) are mostly asked the same key in a row:
// those hits then cost 3 ns, less than the plain Map's.
import { LRUCache } from 'lru-cache';

/** Values are never undefined: `get` answers undefined for "not there" (store a sentinel for "known absent"). */
export class BoundedMap<K extends NonNullable<unknown>, V extends NonNullable<unknown>> {
  readonly #cache: LRUCache<K, V>;
  /** The entry last read or written (the most recent one), when there is one: answered without the cache. */
  #hasLast = false;
  #lastKey: K | undefined;
  #lastValue: V | undefined;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`a BoundedMap holds at least one entry (got ${max})`);
    this.#cache = new LRUCache<K, V>({ max });
  }

  /** The value for `key` (now the most recently used), or undefined. */
  get(key: K): V | undefined {
    if (this.#hasLast && key === this.#lastKey) return this.#lastValue;
    const value = this.#cache.get(key);
    if (value !== undefined) this.#remember(key, value);
    return value;
  }

  /** Whether `key` is there; does not count as a use. */
  has(key: K): boolean {
    return this.#cache.has(key);
  }

  /** Sets `key` (now the most recently used); when that makes one entry too many, the least recently used goes. */
  set(key: K, value: V): this {
    this.#cache.set(key, value);
    this.#remember(key, value);
    return this;
  }

  /** The value for `key`, made by `make` and kept when it is not there. */
  getOrSet(key: K, make: (key: K) => V): V {
    let value = this.get(key);
    if (value === undefined) {
      value = make(key);
      this.set(key, value);
    }
    return value;
  }

  delete(key: K): boolean {
    if (this.#hasLast && key === this.#lastKey) this.#forgetLast();
    return this.#cache.delete(key);
  }

  get size(): number {
    return this.#cache.size;
  }

  /** The keys from the least to the most recently used. */
  keys(): IterableIterator<K> {
    return this.#cache.rkeys();
  }

  #remember(key: K, value: V): void {
    this.#hasLast = true;
    this.#lastKey = key;
    this.#lastValue = value;
  }

  #forgetLast(): void {
    this.#hasLast = false;
    this.#lastKey = undefined;
    this.#lastValue = undefined;
  }
}
