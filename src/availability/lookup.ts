// A GetUserAvailability lookup: window checks, per-mailbox routing to tenants, and views per mailbox.
import { timeBudget } from '../clock.js';
import { RelayError } from '../errors/index.js';
import { MAX_WINDOW_DAYS } from '../limits.js';
import { failure, type MailboxSchedule, type ScheduleQuery, type ScheduleSource, type SourceFailure } from './schedule-source.js';
import { buildFreeBusyView, type FreeBusyViewModel, type ViewContext } from './build-view.js';
import type { ZoneRules } from './time-zone/types.js';
import type { Disclosure, RequestedView } from './build-view.js';

/** A request time: a wall-clock time in the request's zone, or an instant (it carried an offset or Z). */
export type ParsedDateTime = { kind: 'local'; localMs: number } | { kind: 'instant'; utcMs: number };
const DAY_MS = 86_400_000;

export interface DomainPolicy {
  tenant: string;
  lookupMailbox?: string;
  /** Further URL mailboxes Graph calls spread over. */
  lookupMailboxes?: string[];
  disclosure: Disclosure;
}

/** Why one mailbox of a lookup has no answer: the source's failure kinds, or an address that is not one. */
export type MailboxFailure = SourceFailure | 'invalid-address';

export type MailboxOutcome =
  /**
   * The view is built when the answer is written, one mailbox at a time, so a large answer never holds every
   * mailbox's events at once (they survived collections and were copied, in a 100-mailbox lookup).
   */
  | { ok: true; view: () => FreeBusyViewModel }
  | { ok: false; failure: MailboxFailure; detail: string };

export interface LookupRequest {
  mailboxes: string[];
  start: ParsedDateTime;
  end: ParsedDateTime;
  intervalMinutes: number;
  view: RequestedView;
  zone: ZoneRules;
  workingElsewhere: boolean;
  requestId: string;
  /** Domains this caller may look up (undefined: every served domain). */
  allowedDomains?: ReadonlySet<string>;
}

export interface LookupDeps {
  domains: ReadonlyMap<string, DomainPolicy>;
  source: ScheduleSource;
  /** The lookup's time budget for Graph, ms. */
  deadlineMs: number;
}

export interface LookupWindow {
  startUtc: number;
  endUtc: number;
}

/** Fixes the window's instants in the request zone and enforces the EWS interval rules. */
function resolveWindow(start: ParsedDateTime, end: ParsedDateTime, zone: ZoneRules): LookupWindow {
  const startUtc = start.kind === 'instant' ? start.utcMs : zone.toUtc(start.localMs);
  const endUtc = end.kind === 'instant' ? end.utcMs : zone.toUtc(end.localMs);
  if (!(startUtc < endUtc)) throw new RelayError('WINDOW_INVERTED');
  // Calendar days as the client counts them: wall-clock span in its zone, so a DST day is still one day.
  if (zone.toLocal(endUtc) - zone.toLocal(startUtc) > MAX_WINDOW_DAYS * DAY_MS) throw new RelayError('WINDOW_TOO_LONG');
  return { startUtc, endUtc };
}

const ADDRESS = /^[^\s@<>()",;:\\[\]]+@([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)$/;

interface Group {
  tenant: string;
  lookupMailbox?: string;
  lookupMailboxes?: string[];
  withDetails: boolean;
  addresses: string[];
  /** Lower-cased address -> its index in `addresses` (each mailbox is asked for once per group). */
  indexOf: Map<string, number>;
  answers?: MailboxSchedule[];
}

/** A mailbox waiting for its group's answer. */
interface Pending {
  group: Group;
  index: number;
  disclosure: Disclosure;
}

export async function lookupAvailability(req: LookupRequest, deps: LookupDeps): Promise<{ window: LookupWindow; outcomes: MailboxOutcome[] }> {
  const window = resolveWindow(req.start, req.end, req.zone);
  const outcomes: (MailboxOutcome | Pending)[] = [];
  const groups = new Map<string, Group>();

  for (const raw of req.mailboxes) {
    const m = ADDRESS.exec(raw);
    if (!m || raw.length > 320) {
      outcomes.push({ ok: false, failure: 'invalid-address', detail: 'The e-mail address is not valid.' });
      continue;
    }
    const domain = m[1]!.toLowerCase();
    const policy = deps.domains.get(domain);
    if (!policy || (req.allowedDomains && !req.allowedDomains.has(domain))) {
      outcomes.push({ ok: false, failure: 'not-served', detail: `This relay does not serve the domain ${domain}.` });
      continue;
    }
    const key = `${policy.tenant}\u0000${policy.lookupMailbox ?? ''}\u0000${policy.lookupMailboxes?.join(',') ?? ''}\u0000${policy.disclosure}`;
    let group = groups.get(key);
    if (!group) {
      group = { tenant: policy.tenant, withDetails: policy.disclosure === 'details', addresses: [], indexOf: new Map() };
      if (policy.lookupMailbox) group.lookupMailbox = policy.lookupMailbox;
      if (policy.lookupMailboxes?.length) group.lookupMailboxes = policy.lookupMailboxes;
      groups.set(key, group);
    }
    const lower = raw.toLowerCase();
    let index = group.indexOf.get(lower);
    if (index === undefined) {
      index = group.addresses.push(raw) - 1;
      group.indexOf.set(lower, index);
    }
    outcomes.push({ group, index, disclosure: policy.disclosure });
  }

  // One budget for every group's Graph calls, on the monotonic clock (see TimeBudget).
  const budget = timeBudget(deps.deadlineMs);
  await Promise.all(
    [...groups.values()].map(async (g) => {
      const query: ScheduleQuery = {
        tenant: g.tenant,
        mailboxes: g.addresses,
        startUtc: window.startUtc,
        endUtc: window.endUtc,
        budget,
        requestId: req.requestId,
        withDetails: g.withDetails,
      };
      if (g.lookupMailbox) query.lookupMailbox = g.lookupMailbox;
      if (g.lookupMailboxes) query.lookupMailboxes = g.lookupMailboxes;
      g.answers = await deps.source.getSchedules(query);
    }),
  );

  // One set of view options per disclosure level, shared by that level's mailboxes.
  const optionsFor = new Map<Disclosure, ViewContext>();
  return {
    window,
    outcomes: outcomes.map((o): MailboxOutcome => {
      if (!('group' in o)) return o;
      const r = o.group.answers?.[o.index] ?? failed();
      if (!r.ok) return r;
      let options = optionsFor.get(o.disclosure);
      if (!options) {
        options = { startUtc: window.startUtc, endUtc: window.endUtc, intervalMinutes: req.intervalMinutes, requested: req.view, disclosure: o.disclosure, workingElsewhere: req.workingElsewhere, zone: req.zone };
        optionsFor.set(o.disclosure, options);
      }
      const context = options;
      return { ok: true, view: () => buildFreeBusyView(r.items, r.workingHours, context) };
    }),
  };
}

function failed(): MailboxSchedule {
  return failure('upstream', 'Free/busy data could not be retrieved.');
}
