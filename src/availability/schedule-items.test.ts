// ScheduleItems keeps exactly what ScheduleItem objects held: checked against plain arrays of objects.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScheduleItems, ScheduleItemsBuilder } from './schedule-items.js';
import type { FreeBusyStatus, ScheduleItem } from './schedule-items.js';

const STATUSES: FreeBusyStatus[] = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'];
const text = fc.option(fc.oneof(fc.constantFrom('', 'Sync', 'Room 1', 'café ☕'), fc.string()), { nil: undefined });
const itemArb: fc.Arbitrary<ScheduleItem> = fc
  .record({
    start: fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }),
    length: fc.integer({ min: 0, max: 3 * 86_400_000 }),
    status: fc.constantFrom(...STATUSES),
    isPrivate: fc.boolean(),
    subject: text,
    location: text,
  })
  .map(({ start, length, status, isPrivate, subject, location }) => {
    const item: ScheduleItem = { start, end: start + length, status, isPrivate };
    if (subject !== undefined) item.subject = subject;
    if (location !== undefined) item.location = location;
    return item;
  });

/** An item as the relay keeps it: an empty subject or location is none. */
function kept(item: ScheduleItem): ScheduleItem {
  const out: ScheduleItem = { start: item.start, end: item.end, status: item.status, isPrivate: item.isPrivate };
  if (item.subject) out.subject = item.subject;
  if (item.location) out.location = item.location;
  return out;
}

describe('ScheduleItems', () => {
  it('gives back every item, field by field and whole, as it was given', () => {
    fc.assert(
      fc.property(fc.array(itemArb, { maxLength: 60 }), (items) => {
        const columns = ScheduleItems.of(items);
        expect(columns.length).toBe(items.length);
        expect(columns.toArray()).toStrictEqual(items.map(kept));
        items.forEach((item, i) => {
          expect(columns.start(i)).toBe(item.start);
          expect(columns.end(i)).toBe(item.end);
          expect(columns.status(i)).toBe(item.status);
          expect(columns.isPrivate(i)).toBe(item.isPrivate);
          expect(columns.subject(i)).toBe(item.subject || undefined);
          expect(columns.location(i)).toBe(item.location || undefined);
        });
        // The cache stores JSON: the same array of objects as before the columns.
        expect(JSON.parse(JSON.stringify(columns))).toStrictEqual(items.map(kept));
      }),
      { seed: 51, numRuns: 200 },
    );
  });

  it('sorts by start, then end, keeping the order of equal items, and is itself when already in order', () => {
    fc.assert(
      fc.property(fc.array(itemArb, { maxLength: 40 }), (items) => {
        const columns = ScheduleItems.of(items);
        const expected = items.map(kept).sort((a, b) => a.start - b.start || a.end - b.end);
        expect(columns.sorted().toArray()).toStrictEqual(expected);
        const ordered = ScheduleItems.of(expected);
        expect(ordered.inOrder()).toBe(true);
        expect(ordered.sorted()).toBe(ordered);
      }),
      { seed: 52, numRuns: 200 },
    );
    const late = { start: 2, end: 3, status: 'busy', isPrivate: false } as const;
    const early = { start: 1, end: 9, status: 'busy', isPrivate: false } as const;
    expect(ScheduleItems.of([late, early]).inOrder()).toBe(false);
    expect(ScheduleItems.of([{ ...early, end: 5 }, { ...early, end: 4 }]).inOrder()).toBe(false);
  });

  it('drops subjects and locations on request and keeps the rest', () => {
    fc.assert(
      fc.property(fc.array(itemArb, { maxLength: 30 }), (items) => {
        const plain = ScheduleItems.of(items).withoutDetails().toArray();
        expect(plain).toStrictEqual(items.map(({ start, end, status, isPrivate }) => ({ start, end, status, isPrivate })));
      }),
      { seed: 53, numRuns: 100 },
    );
  });

  it('hands out ranges of one builder that equal the items pushed in them, whatever the builder guessed', () => {
    fc.assert(
      fc.property(fc.array(fc.array(itemArb, { maxLength: 25 }), { maxLength: 8 }), fc.integer({ min: 0, max: 300 }), (groups, guess) => {
        const b = new ScheduleItemsBuilder(guess);
        const ranges = groups.map((group) => {
          const from = b.length;
          for (const it of group) b.push(it.start, it.end, it.status, it.isPrivate, it.subject, it.location);
          return { from, to: b.length };
        });
        const sealed = b.seal();
        expect(b.length).toBe(0);
        groups.forEach((group, g) => {
          const range = sealed.take(ranges[g]!.from, ranges[g]!.to);
          // Equal to the same items built alone, columns and all (so results compare equal whichever way they were read).
          expect(range).toStrictEqual(ScheduleItems.of(group));
        });
      }),
      { seed: 54, numRuns: 200 },
    );
  });

  it('is reused after seal() and reset() without touching what it handed out', () => {
    const b = new ScheduleItemsBuilder(2);
    const one = { start: 1, end: 2, status: 'busy', isPrivate: false, subject: 'one' } as const;
    const two = { start: 3, end: 4, status: 'oof', isPrivate: true } as const;
    b.push(one.start, one.end, one.status, one.isPrivate, one.subject, undefined);
    b.push(two.start, two.end, two.status, two.isPrivate, undefined, undefined);
    const first = b.build(); // exactly full: the builder's own columns are handed out
    b.push(two.start, two.end, two.status, two.isPrivate, undefined, 'there');
    const second = b.build();
    b.push(9, 10, 'free', false, 'gone', undefined);
    b.reset();
    b.push(one.start, one.end, one.status, one.isPrivate, undefined, undefined);
    expect(first.toArray()).toStrictEqual([one, two]);
    expect(second.toArray()).toStrictEqual([{ ...two, location: 'there' }]);
    expect(b.build().toArray()).toStrictEqual([{ start: 1, end: 2, status: 'busy', isPrivate: false }]);
  });

  it('is empty as EMPTY, and an empty build is EMPTY', () => {
    expect(ScheduleItems.EMPTY.length).toBe(0);
    expect(ScheduleItems.EMPTY.toArray()).toEqual([]);
    expect(new ScheduleItemsBuilder().build()).toBe(ScheduleItems.EMPTY);
    expect(ScheduleItems.of([])).toBe(ScheduleItems.EMPTY);
  });
});
