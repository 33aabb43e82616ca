// One chunk of a lookup (up to 20 mailboxes) over every piece of its window: which mailbox goes in the URL
// (configured lookup mailboxes least busy first, then attendees), falling back when Graph has no such user,
// and the pieces' items merged per mailbox.
import type { Logger } from 'pino';
import { failure, type MailboxSchedule, type ScheduleItems, type ScheduleQuery, type WorkingHours } from '../availability/schedule-source.js';
import type { ResolvedTenant } from '../config/schema.js';
import { mailboxFailure } from './attempt-outcome.js';
import type { GraphCall } from './attempt-loop.js';
import type { CallSlots } from './call-slots.js';
import { mergePieces, uniqueMailboxes, type Piece } from './plan.js';

export interface ChunkJob {
  tenant: ResolvedTenant;
  token: string;
  query: ScheduleQuery;
  mailboxes: string[];
  pieces: Piece[];
  log: () => Logger;
}

export type ChunkRunner = (job: ChunkJob) => Promise<Map<string, MailboxSchedule>>;

export function createChunkRunner(call: GraphCall, slots: CallSlots): ChunkRunner {
  let spread = 0;

  /** Configured lookup mailboxes, fewest calls in flight first; ties rotate so calls spread evenly. */
  function lookupOrder(query: ScheduleQuery): string[] {
    const configured = uniqueMailboxes([...(query.lookupMailbox ? [query.lookupMailbox] : []), ...(query.lookupMailboxes ?? [])]);
    if (configured.length < 2) return configured;
    const start = spread++ % configured.length;
    const rotated = [...configured.slice(start), ...configured.slice(0, start)];
    return rotated.map((m, i) => ({ m, i, l: slots.load(m) })).sort((a, b) => a.l - b.l || a.i - b.i).map((x) => x.m);
  }

  /** Mailboxes found missing stay missing for later pieces. */
  return async ({ tenant, token, query, mailboxes, pieces, log }) => {
    const out = new Map<string, MailboxSchedule>();
    const perMailbox = new Map<string, { piece: Piece; items: ScheduleItems }[]>();
    const workingHours = new Map<string, WorkingHours | undefined>();
    let pending = [...mailboxes];
    // The configured lookup mailboxes first; then attendees, so one bad address never sinks the others.
    const urlCandidates = uniqueMailboxes([...lookupOrder(query), ...mailboxes]);
    for (const piece of pieces) {
      let done = false;
      while (!done && pending.length > 0) {
        const urlMailbox = urlCandidates[0];
        if (urlMailbox === undefined) {
          for (const m of pending) out.set(m.toLowerCase(), failure('upstream', 'no mailbox Graph accepts in the URL'));
          pending = [];
          break;
        }
        const result = await call({ tenant, token, query, urlMailbox, schedules: pending, piece, log });
        if (result.kind === 'url-user-not-found') {
          urlCandidates.shift();
          const key = urlMailbox.toLowerCase();
          if (pending.some((m) => m.toLowerCase() === key)) {
            out.set(key, failure('not-found', 'Graph has no such user'));
            pending = pending.filter((m) => m.toLowerCase() !== key);
          } else {
            log().warn('configured lookup mailbox does not exist in Graph; using an attendee instead');
          }
          continue;
        }
        if (result.kind === 'failed') {
          const each = mailboxFailure(result);
          for (const m of pending) out.set(m.toLowerCase(), each);
          pending = [];
          break;
        }
        for (const m of pending) {
          const key = m.toLowerCase();
          const schedule = result.results.get(key) ?? failure('upstream', 'Graph returned no entry for this mailbox');
          if (!schedule.ok) {
            out.set(key, schedule);
            continue;
          }
          const list = perMailbox.get(key) ?? [];
          list.push({ piece, items: schedule.items });
          perMailbox.set(key, list);
          if (!workingHours.has(key)) workingHours.set(key, schedule.workingHours);
        }
        pending = pending.filter((m) => !out.has(m.toLowerCase()));
        done = true;
      }
    }
    for (const [key, list] of perMailbox) {
      if (out.has(key)) continue;
      const wh = workingHours.get(key);
      out.set(key, { ok: true, items: mergePieces(list), ...(wh ? { workingHours: wh } : {}) });
    }
    return out;
  };
}
