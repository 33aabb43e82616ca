// Planning a lookup into Graph calls: window pieces, mailbox chunks, and merging pieces back together.
import { ScheduleItemsBuilder, type ScheduleItems } from '../availability/schedule-source.js';

const dayMs = 86_400_000;
/** Graph refuses windows of 62 days or more; 31-day pieces keep every call well inside. */
export const MAX_PIECE_MS = 31 * dayMs;
/** Graph allows 4 concurrent requests per app and mailbox. */
export const MAX_CONCURRENT_CALLS = 4;

export interface Piece {
  start: number;
  end: number;
}

export function splitWindow(start: number, end: number, maxPieceMs = MAX_PIECE_MS): Piece[] {
  if (!(end > start)) return [];
  const pieces: Piece[] = [];
  for (let s = start; s < end; s += maxPieceMs) pieces.push({ start: s, end: Math.min(end, s + maxPieceMs) });
  return pieces;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Addresses once each, compared without case, keeping the first spelling. */
export function uniqueMailboxes(mailboxes: readonly string[]): string[] {
  const seen = new Set<string>();
  return mailboxes.filter((m) => {
    const key = m.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Joins the items of consecutive pieces. Graph returns overlapping items whole, so an item crossing a piece
 * boundary comes back from both sides; the later copy is the one that starts before its own piece.
 */
export function mergePieces(pieces: readonly { piece: Piece; items: ScheduleItems }[]): ScheduleItems {
  if (pieces.length === 1) return pieces[0]!.items;
  const out = new ScheduleItemsBuilder(pieces.reduce((n, p) => n + p.items.length, 0));
  pieces.forEach(({ piece, items }, index) => {
    for (let i = 0; i < items.length; i++) if (index === 0 || items.start(i) >= piece.start) out.copy(items, i);
  });
  return out.build();
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
