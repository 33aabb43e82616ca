// The time-zone memos are bounded and, when full, forget the least recently used entry only: a zone in use
// keeps its memoised object (and the years memoised in it) while other entries come and go. Before, each memo
// was emptied whole when full, so the zone every request names was rebuilt once per that many others.
import { describe, expect, it } from 'vitest';
import { NAMED_ZONES_KEPT, serializableForGraphZone } from './graph-custom.js';
import { rulesFromIana } from './iana-rules.js';
import { MAX_MEMO_YEARS, rulesFromSegments, type YearSegments } from './segment-rules.js';
import { rulesFromSerializable, ZONES_BY_CONTENT_KEPT } from './serializable-rules.js';
import type { SerializableTimeZone } from './types.js';

const change = (month: number, bias: number) => ({ bias, time: '02:00:00', dayOrder: 1, month, dayOfWeek: 'Sunday' as const });
const zone = (bias: number): SerializableTimeZone => ({ bias, standardTime: change(11, 0), daylightTime: change(3, -60) });

describe('time-zone memos', () => {
  it('rulesFromSegments computes a year in use once, however many other years come and go', () => {
    const computed: number[] = [];
    const rules = rulesFromSegments((year): YearSegments => {
      computed.push(year);
      return { changes: [], offsets: [0] };
    });
    const at = (year: number) => rules.offsetAt(Date.UTC(year, 5, 1));
    at(2026);
    for (let i = 0; i < 2 * MAX_MEMO_YEARS; i++) {
      at(3000 + i);
      at(2026);
    }
    expect(computed.filter((y) => y === 2026)).toEqual([2026]);
    // One new year per step, never a recomputation: nothing was dropped but the least recently used.
    expect(computed).toHaveLength(1 + 2 * MAX_MEMO_YEARS);
  });

  it('rulesFromSerializable keeps sharing the rules of a zone in use past its bound', () => {
    const pacific = rulesFromSerializable(zone(480));
    for (let i = 0; i < 2 * ZONES_BY_CONTENT_KEPT; i++) {
      rulesFromSerializable(zone(i + 1000));
      expect(rulesFromSerializable(zone(480))).toBe(pacific);
    }
    // The least recently used went: a zone not asked since is built anew.
    const first = rulesFromSerializable(zone(1000));
    expect(rulesFromSerializable(zone(1000))).toBe(first);
  });

  it('serializableForGraphZone keeps a named zone in use past its bound', () => {
    const pacific = serializableForGraphZone({ name: 'Pacific Standard Time' }, 2026);
    expect(pacific).toBeDefined();
    for (let i = 0; i < NAMED_ZONES_KEPT + 10; i++) {
      expect(serializableForGraphZone({ name: `Nowhere ${i}` }, 2026)).toBeUndefined();
      if (i % 64 === 0) expect(serializableForGraphZone({ name: 'Pacific Standard Time' }, 2026)).toBe(pacific);
    }
    expect(serializableForGraphZone({ name: 'Pacific Standard Time' }, 2026)).toBe(pacific);
  });

  it('rulesFromIana is bounded even though ICU matches names without regard to case', () => {
    const name = 'America/Argentina/ComodRivadavia';
    // Bit k of i says whether the k-th letter is upper case.
    const letters = [...name].flatMap((c, j) => (/[a-z]/i.test(c) ? [j] : []));
    const spellings = Array.from({ length: 1100 }, (_, i) => [...name].map((c, j) => ((i >> letters.indexOf(j)) & 1 && letters.includes(j) ? c.toUpperCase() : c.toLowerCase())).join(''));
    expect(new Set(spellings).size).toBe(spellings.length);
    const used = rulesFromIana('Europe/Berlin');
    const first = rulesFromIana(spellings[0]!);
    for (const s of spellings) {
      rulesFromIana(s);
      expect(rulesFromIana('Europe/Berlin')).toBe(used);
    }
    // More spellings than the memo keeps: the first one, not asked since, was let go.
    expect(rulesFromIana(spellings[0]!)).not.toBe(first);
  });
});
