// Draws a mailbox's answered events as one row per day of half-hour cells, legend and event list below.
import type { AnsweredEvent, AnsweredMailbox } from './ews-client.js';
import { paint, type Output, type Style } from './terminal.js';

const SLOT_MINUTES = 30;
const SLOTS = (24 * 60) / SLOT_MINUTES;
const DAY_MS = 86_400_000;

// Exchange's precedence: the strongest status in a slot wins.
const RANK: Record<string, number> = { Free: 0, WorkingElsewhere: 1, Tentative: 2, Busy: 3, OOF: 4, NoData: 0 };
const CELL: Record<string, { char: string; style: Style }> = {
  Free: { char: '·', style: 'green' },
  WorkingElsewhere: { char: '≈', style: 'blue' },
  Tentative: { char: '░', style: 'yellow' },
  Busy: { char: '█', style: 'red' },
  OOF: { char: '▓', style: 'magenta' },
};

/** Naive `YYYY-MM-DDTHH:MM:SS` as minutes since the epoch, read as if UTC (the grid only compares them). */
function naiveMs(s: string): number {
  return Date.parse(`${s.slice(0, 19)}Z`);
}

function dayLabel(dayMs: number): string {
  const d = new Date(dayMs);
  const wd = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  return `${wd} ${d.toISOString().slice(0, 10)}`;
}

/** Status per half-hour slot of one local day. */
function daySlots(events: readonly AnsweredEvent[], dayStartMs: number): string[] {
  return Array.from({ length: SLOTS }, (_, i) => {
    const from = dayStartMs + i * SLOT_MINUTES * 60_000;
    const to = from + SLOT_MINUTES * 60_000;
    let best = 'Free';
    for (const e of events) {
      if (naiveMs(e.start) < to && naiveMs(e.end) > from && (RANK[e.busyType] ?? 0) > (RANK[best] ?? 0)) best = e.busyType;
    }
    return best;
  });
}

export function renderDayGrid(mailbox: string, answer: AnsweredMailbox, opts: { from: string; days: number; zone: string }, out: Output): string {
  const lines: string[] = [paint(out, 'bold', `${mailbox}`) + paint(out, 'dim', `  (times in ${opts.zone})`)];
  const pad = ' '.repeat(15);
  let hours = '';
  for (let h = 0; h < 24; h += 2) hours += String(h).padStart(2, '0').padEnd(4, ' ');
  lines.push(`${pad}${hours}`);
  const first = naiveMs(`${opts.from}T00:00:00`);
  for (let d = 0; d < opts.days; d++) {
    const day = first + d * DAY_MS;
    const cells = daySlots(answer.events, day)
      .map((status) => {
        const c = CELL[status] ?? CELL.Free!;
        return status === 'Free' ? paint(out, 'dim', c.char) : paint(out, c.style, c.char);
      })
      .join('');
    lines.push(`${dayLabel(day).padEnd(15)}${cells}`);
  }
  lines.push(
    '',
    `${pad}${['Free', 'Tentative', 'Busy', 'OOF', 'WorkingElsewhere'].map((s) => `${paint(out, CELL[s]!.style, CELL[s]!.char)} ${s === 'OOF' ? 'out of office' : s === 'WorkingElsewhere' ? 'working elsewhere' : s.toLowerCase()}`).join('  ')}`,
  );
  if (answer.events.length > 0) {
    lines.push('');
    for (const e of answer.events) {
      const what = e.isPrivate ? 'private' : [e.subject, e.location ? `(${e.location})` : ''].filter(Boolean).join(' ');
      lines.push(`  ${e.start.slice(0, 16).replace('T', ' ')} - ${e.end.slice(0, 16).replace('T', ' ')}  ${e.busyType.padEnd(16)} ${what}`.trimEnd());
    }
  }
  if (answer.workingPeriods.length > 0) {
    const hm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    const text = answer.workingPeriods.map((p) => `${p.days} ${hm(p.startMinutes)}-${hm(p.endMinutes)}`).join('; ');
    lines.push('', paint(out, 'dim', `  working hours (mailbox's own time zone): ${text}`));
  }
  return `${lines.join('\n')}\n`;
}
