// The embedded demo tenant (example.com): a few mailboxes with varied calendars around "now", served by the fake Graph.
import type { Clock } from '../clock.js';
import type { ResolvedTenant } from '../config/schema.js';
import type { GraphWorkingHours } from '../graph/schedule-wire.js';
import { startFakeGraph, type FakeEvent, type FakeGraph, type FakeMailbox, type FakeTenant } from './fake-graph.js';

export const DEMO_DOMAIN = 'example.com';
const DEMO_TENANT_ID = '8d2c6d8e-4a55-4d39-9f1b-0de7e0000001';
const DEMO_CLIENT_ID = '5b0f4a43-71c4-4f6e-a3b5-0de7e0000002';
/** Not a secret: it only opens the in-process fake, which never holds real data. */
const DEMO_CLIENT_SECRET = 'demo-only.not-a-secret.calendar-relay';
export const DEMO_MAILBOXES = ['alice@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.com'] as const;

const hour = 3_600_000;
const day = 24 * hour;
const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];

function named(zone: string, start: string, end: string): GraphWorkingHours {
  return { daysOfWeek: weekdays, startTime: `${start}:00.0000000`, endTime: `${end}:00.0000000`, timeZone: { name: zone } };
}

/** A mailbox-defined zone (UTC+1 with EU-style rules), which Graph sends as a customTimeZone, not a name. */
const daveHours: GraphWorkingHours = {
  daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday'],
  startTime: '07:30:00.0000000',
  endTime: '16:00:00.0000000',
  timeZone: {
    '@odata.type': '#microsoft.graph.customTimeZone',
    name: 'Customized Time Zone',
    bias: -60,
    standardOffset: { time: '03:00:00.0000000', dayOccurrence: 5, dayOfWeek: 'sunday', month: 10, year: 0 },
    daylightOffset: { time: '02:00:00.0000000', dayOccurrence: 5, dayOfWeek: 'sunday', month: 3, year: 0, daylightBias: -60 },
  },
};

/** Sunday number `nth` (1-based; 5 = last) of a month, at `utcHour`, as epoch ms. */
function nthSunday(year: number, month: number, nth: number, utcHour: number): number {
  if (nth === 5) {
    const last = new Date(Date.UTC(year, month + 1, 0));
    return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), utcHour);
  }
  const first = new Date(Date.UTC(year, month, 1));
  return Date.UTC(year, month, 1 + ((7 - first.getUTCDay()) % 7) + (nth - 1) * 7, utcHour);
}

/** The DST change nearest to `now` among US Pacific (2am local) and EU (01:00 UTC) transitions. */
export function nearestDstTransition(now: number): { at: number; region: 'US' | 'EU' } {
  const candidates: { at: number; region: 'US' | 'EU' }[] = [];
  const y0 = new Date(now).getUTCFullYear();
  for (const y of [y0 - 1, y0, y0 + 1]) {
    candidates.push({ at: nthSunday(y, 2, 2, 10), region: 'US' }, { at: nthSunday(y, 10, 1, 9), region: 'US' });
    candidates.push({ at: nthSunday(y, 2, 5, 1), region: 'EU' }, { at: nthSunday(y, 9, 5, 1), region: 'EU' });
  }
  candidates.sort((a, b) => Math.abs(a.at - now) - Math.abs(b.at - now));
  return candidates[0] ?? { at: now, region: 'EU' };
}

function ev(start: number, hours: number, status: FakeEvent['status'], subject: string, extra: Partial<FakeEvent> = {}): FakeEvent {
  return { start, end: start + hours * hour, status, subject, location: extra.location ?? 'Teams', ...extra };
}

/** The demo tenant's directory and calendars, laid out relative to `now` so a lookup always finds something. */
export function demoTenantData(now: number): FakeTenant {
  const d0 = Math.floor(now / day) * day; // today, 00:00 UTC
  const dst = nearestDstTransition(now);
  // Three days either side of the change, so the item's local length differs from its UTC length.
  const dstOof = ev(dst.at - 3 * day, 6 * 24, 'oof', dst.region === 'US' ? 'Vacation (across the US clock change)' : 'Holiday (across the EU clock change)', { location: '' });

  const alice: FakeMailbox = {
    workingHours: named('Pacific Standard Time', '08:00', '17:00'),
    events: [
      ev(d0 - 7 * day + 16.5 * hour, 0.25, 'busy', 'Daily stand-up', { recurrence: { frequency: 'daily', count: 30 } }),
      ev(d0 + 17 * hour, 1, 'busy', 'Design review', { location: 'Room 4.1' }),
      ev(d0 + day + 18 * hour, 1, 'tentative', 'Vendor demo (maybe)'),
      ev(d0 + day + 20 * hour, 1.5, 'busy', 'Doctor', { isPrivate: true, location: 'Clinic' }),
      ...(dst.region === 'US' ? [dstOof] : []),
    ],
  };
  const bob: FakeMailbox = {
    workingHours: named('Eastern Standard Time', '09:00', '17:30'),
    events: [
      ev(d0 + 14 * hour, 2, 'busy', 'Quarterly planning', { location: 'Boardroom' }),
      ev(d0 + 2 * day + 13 * hour, 8, 'workingElsewhere', 'Working from the Boston office', { location: 'Boston' }),
      ev(d0 + 3 * day, 24, 'oof', 'Out of office', { location: '' }),
      ev(d0 - 14 * day + 15 * hour, 1, 'busy', '1:1 with Carol', { recurrence: { frequency: 'weekly', count: 8 } }),
    ],
  };
  const carol: FakeMailbox = {
    workingHours: named('W. Europe Standard Time', '09:00', '18:00'),
    events: [
      ev(d0 + 9 * hour, 1, 'busy', 'Sprint review', { location: 'Amsterdam 3' }),
      ev(d0 + day + 12 * hour, 1, 'free', 'Lunch (free)', { location: 'Canteen' }),
      ev(d0 + day + 7 * hour, 3, 'busy', 'Customer workshop', { location: 'Rotterdam' }),
    ],
  };
  const dave: FakeMailbox = {
    workingHours: daveHours,
    events: [ev(d0 + 8 * hour, 4, 'busy', 'Training', { location: 'Online' }), ...(dst.region === 'EU' ? [dstOof] : [])],
  };
  return {
    tenantId: DEMO_TENANT_ID,
    apps: [{ clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET }],
    mailboxes: { 'alice@example.com': alice, 'bob@example.com': bob, 'carol@example.com': carol, 'dave@example.com': dave },
  };
}

export interface DemoTenant {
  fake: FakeGraph;
  /** What the relay's Graph client is configured with. */
  tenant: ResolvedTenant;
  /** CA certificate (PEM) the relay must trust to reach the fake. */
  ca: string;
  close(): Promise<void>;
}

/**
 * Starts the fake Graph with the demo tenant; `id` is the tenant name the relay's domains refer to. The calendars
 * are laid out around `now()` at start, and the fake's tokens live on the same clock as the relay's.
 */
export async function startDemoTenant(options: { now: Clock; id: string }): Promise<DemoTenant> {
  const fake = await startFakeGraph({ tenants: [demoTenantData(options.now())], now: options.now });
  return {
    fake,
    tenant: {
      id: options.id,
      authority: `${fake.url}/${DEMO_TENANT_ID}`,
      graphEndpoint: fake.url,
      clientId: DEMO_CLIENT_ID,
      clientSecret: DEMO_CLIENT_SECRET,
    },
    ca: fake.ca,
    close: () => fake.close(),
  };
}
