// MergedFreeBusy: one digit per interval over the real (UTC) span, the highest status in each slot.
import type { ScheduleItems } from './schedule-source.js';
import type { FreeBusyStatus } from './schedule-source.js';

/** Digit per Graph status. WorkingElsewhere counts as free (Exchange Online does the same); unknown as busy. */
export const STATUS_DIGIT: Record<FreeBusyStatus, number> = {
  free: 0,
  workingElsewhere: 0,
  tentative: 1,
  busy: 2,
  unknown: 2,
  oof: 3,
};

/** Number of digits for a window: ceil(span / interval), counted in real elapsed time. */
export function slotCount(startUtc: number, endUtc: number, intervalMinutes: number): number {
  return Math.max(0, Math.ceil((endUtc - startUtc) / (intervalMinutes * 60_000)));
}

// The digits are kept as ASCII codes and decoded once: appending 3,000 digits per mailbox one by one made a rope
// of as many pieces, which a 100-mailbox answer paid for in garbage collection and flattening.
const ZERO = 48;
const ascii = new TextDecoder();

export function mergedFreeBusy(items: ScheduleItems, startUtc: number, endUtc: number, intervalMinutes: number): string {
  const step = intervalMinutes * 60_000;
  const n = slotCount(startUtc, endUtc, intervalMinutes);
  const slots = new Uint8Array(n).fill(ZERO);
  for (let j = 0; j < items.length; j++) {
    const digit = STATUS_DIGIT[items.status(j)];
    if (digit === 0) continue;
    const code = ZERO + digit;
    const s = Math.max(items.start(j), startUtc);
    const e = Math.min(items.end(j), endUtc);
    if (e <= s) continue;
    const first = Math.floor((s - startUtc) / step);
    const last = Math.min(n - 1, Math.ceil((e - startUtc) / step) - 1);
    for (let i = first; i <= last; i++) if (slots[i]! < code) slots[i] = code;
  }
  return ascii.decode(slots);
}
