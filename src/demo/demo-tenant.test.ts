// The demo tenant: its DST arithmetic, and a full lookup through the production Graph client over HTTPS.
import { timeBudget } from '../clock.js';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { configFrom } from '../config/test-support.js';
import { createGraphScheduleSource } from '../graph/get-schedule.js';
import { DEMO_DOMAIN, DEMO_MAILBOXES, demoTenantData, nearestDstTransition, startDemoTenant } from './demo-tenant.js';

const day = 86_400_000;

describe('nearestDstTransition', () => {
  it('finds the nearest US (2am Pacific) or EU (01:00 UTC) change', () => {
    // 2026: US spring 8 March 10:00Z, EU spring 29 March 01:00Z, EU autumn 25 Oct 01:00Z, US autumn 1 Nov 09:00Z.
    expect(nearestDstTransition(Date.UTC(2026, 2, 1))).toEqual({ at: Date.UTC(2026, 2, 8, 10), region: 'US' });
    expect(nearestDstTransition(Date.UTC(2026, 2, 25))).toEqual({ at: Date.UTC(2026, 2, 29, 1), region: 'EU' });
    expect(nearestDstTransition(Date.UTC(2026, 9, 20))).toEqual({ at: Date.UTC(2026, 9, 25, 1), region: 'EU' });
    expect(nearestDstTransition(Date.UTC(2026, 11, 15))).toEqual({ at: Date.UTC(2026, 10, 1, 9), region: 'US' });
    expect(nearestDstTransition(Date.UTC(2027, 0, 20))).toEqual({ at: Date.UTC(2027, 2, 14, 10), region: 'US' });
  });
});

describe('demoTenantData', () => {
  it('covers every status, a private and a recurring event, named and custom zones, and an item across a DST change', () => {
    for (const now of [Date.UTC(2026, 2, 1), Date.UTC(2026, 9, 20), Date.UTC(2027, 5, 1)]) {
      const data = demoTenantData(now);
      expect(Object.keys(data.mailboxes).sort()).toEqual([...DEMO_MAILBOXES].sort());
      expect(Object.keys(data.mailboxes).some((m) => m.startsWith('nobody@'))).toBe(false);
      const events = Object.values(data.mailboxes).flatMap((m) => m.events);
      expect(new Set(events.map((e) => e.status))).toEqual(new Set(['busy', 'tentative', 'oof', 'workingElsewhere', 'free']));
      expect(events.some((e) => e.isPrivate)).toBe(true);
      expect(events.some((e) => e.recurrence)).toBe(true);
      const dst = nearestDstTransition(now).at;
      expect(events.some((e) => +e.start < dst && +e.end > dst)).toBe(true);
      expect(data.mailboxes['dave@example.com']?.workingHours.timeZone).toHaveProperty('bias', -60);
    }
  });
});

describe('startDemoTenant', () => {
  // Dates far from today on both sides, and on DST changes (US spring 2026, EU spring 2031): the demo must not
  // depend on the day it runs, and the fake's tokens and the relay's live on the clock both were given.
  const dates = [Date.UTC(2026, 2, 8, 9, 59, 30), Date.UTC(2031, 2, 30, 0, 59, 30), Date.UTC(2019, 9, 27, 1), Date.UTC(2045, 5, 1, 12)];
  it.each(dates.map((at) => [new Date(at).toISOString(), at] as const))('serves the demo calendars at %s to the production client, which trusts only the demo CA it is given', async (_, at) => {
    const now = () => at;
    const demo = await startDemoTenant({ now, id: 'demo' });
    const graphRaw = { attemptTimeoutMs: 3_000, retryAfterCeilingMs: 1_000 };
    const { graph, graphScale: scale } = configFrom({ graph: { ...graphRaw, maxAttempts: 2 } });
    const source = createGraphScheduleSource({ tenants: [demo.tenant], graph, scale, logger: pino({ level: 'silent' }), extraCa: demo.ca, now });
    const untrusting = createGraphScheduleSource({ tenants: [demo.tenant], graph: configFrom({ graph: { ...graphRaw, maxAttempts: 1 } }).graph, scale, logger: pino({ level: 'silent' }), now });
    try {
      expect(demo.tenant).toMatchObject({ id: 'demo', graphEndpoint: demo.fake.url, authority: expect.stringMatching(new RegExp(`^${demo.fake.url}/`)) });
      const mailboxes = [...DEMO_MAILBOXES, `nobody@${DEMO_DOMAIN}`];
      // Around the clock's day, and far enough to hold the nearest DST change (months away in June: split by the source).
      const dst = nearestDstTransition(at).at;
      const q = { tenant: 'demo', mailboxes, startUtc: Math.min(at - 7 * day, dst - day), endUtc: Math.max(at + 7 * day, dst + day), budget: timeBudget(10_000), requestId: 'demo-1' };
      const results = await source.getSchedules(q);
      expect(results.map((r) => (r.ok ? 'ok' : r.failure))).toEqual(['ok', 'ok', 'ok', 'ok', 'not-found']);
      expect(results.every((r) => !r.ok || r.items.length > 0)).toBe(true);
      // The item laid across the nearest DST change is there, whole.
      expect(results.some((r) => r.ok && r.items.toArray().some((i) => i.start < dst && i.end > dst))).toBe(true);
      const untrusted = await untrusting.getSchedules({ ...q, requestId: 'demo-2' });
      expect(untrusted.every((r) => !r.ok && r.failure === 'upstream')).toBe(true);
    } finally {
      await source.close();
      await untrusting.close();
      await demo.close();
    }
  });
});
