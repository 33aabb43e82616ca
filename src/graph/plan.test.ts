// Window pieces, chunks and merging, checked on examples and with generated windows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PIECE_MS, chunk, mapLimit, mergePieces, splitWindow, uniqueMailboxes } from './plan.js';
import { ScheduleItems } from '../availability/schedule-source.js';
import type { ScheduleItem } from '../availability/schedule-source.js';

const day = 86_400_000;

describe('splitWindow', () => {
  it('covers the window exactly with contiguous pieces shorter than 62 days', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2e12 }), fc.integer({ min: 1, max: 400 * day }), (start, length) => {
        const pieces = splitWindow(start, start + length);
        expect(pieces[0]?.start).toBe(start);
        expect(pieces.at(-1)?.end).toBe(start + length);
        pieces.forEach((p, i) => {
          expect(p.end - p.start).toBeGreaterThan(0);
          expect(p.end - p.start).toBeLessThanOrEqual(MAX_PIECE_MS);
          if (i > 0) expect(p.start).toBe(pieces[i - 1]?.end);
        });
      }),
      { seed: 44 },
    );
  });

  it('returns nothing for an empty or inverted window', () => {
    expect(splitWindow(5, 5)).toEqual([]);
    expect(splitWindow(6, 5)).toEqual([]);
  });
});

describe('chunk and uniqueMailboxes', () => {
  it('chunks at the size given', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
  it('drops repeats regardless of case, keeping the first spelling', () => {
    expect(uniqueMailboxes(['A@x.com', 'b@x.com', 'a@X.com'])).toEqual(['A@x.com', 'b@x.com']);
  });
});

describe('mergePieces', () => {
  const item = (start: number, end: number, subject: string): ScheduleItem => ({ start, end, status: 'busy', isPrivate: false, subject });
  it('keeps an item crossing a boundary once, and keeps items that start before the first piece', () => {
    const p1 = { start: 0, end: 31 * day };
    const p2 = { start: 31 * day, end: 62 * day };
    const early = item(-day, day, 'early');
    const across = item(30 * day, 32 * day, 'across');
    const late = item(40 * day, 41 * day, 'late');
    expect(mergePieces([{ piece: p1, items: ScheduleItems.of([early, across]) }, { piece: p2, items: ScheduleItems.of([across, late]) }]).toArray()).toEqual([early, across, late]);
  });
});

describe('mapLimit', () => {
  it('never runs more than the limit at once and keeps input order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(peak).toBe(3);
  });
});
