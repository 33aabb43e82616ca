// getSchedule request building and response checking, without a network.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScheduleResponse } from './schedule-response.js';
import { buildScheduleRequest, parseGraphError, parseGraphInstant } from './schedule-wire.js';
import { ScheduleItems } from '../availability/schedule-source.js';

const at = (s: string) => Date.parse(s);

describe('buildScheduleRequest', () => {
  it('writes UTC date-times without offset and a numeric interval', () => {
    expect(JSON.parse(buildScheduleRequest(['a@x.com'], at('2026-12-01T08:00:00.250Z'), at('2026-12-02T00:00:00Z')))).toEqual({
      schedules: ['a@x.com'],
      startTime: { dateTime: '2026-12-01T08:00:00', timeZone: 'UTC' },
      endTime: { dateTime: '2026-12-02T00:00:00', timeZone: 'UTC' },
      availabilityViewInterval: 1440,
    });
  });
});

describe('parseGraphInstant', () => {
  it('reads seven fractional digits in UTC', () => {
    expect(parseGraphInstant({ dateTime: '2026-12-01T17:00:00.0000000', timeZone: 'UTC' })).toBe(at('2026-12-01T17:00:00Z'));
    expect(parseGraphInstant({ dateTime: '2026-12-01T17:00:00.1234567', timeZone: 'UTC' })).toBe(at('2026-12-01T17:00:00.123Z'));
    expect(parseGraphInstant({ dateTime: '2026-12-01T17:00:00' })).toBe(at('2026-12-01T17:00:00Z'));
  });
  it('refuses other zones and junk rather than guessing', () => {
    expect(parseGraphInstant({ dateTime: '2026-12-01T17:00:00', timeZone: 'Pacific Standard Time' })).toBeNaN();
    expect(parseGraphInstant({ dateTime: 'tomorrow', timeZone: 'UTC' })).toBeNaN();
  });
});

describe('parseScheduleResponse', () => {
  const ok = {
    value: [
      {
        scheduleId: 'Alice@Example.com',
        availabilityView: '02',
        scheduleItems: [
          { isPrivate: false, status: 'busy', subject: 'S', location: '', start: { dateTime: '2026-12-01T17:00:00.0000000', timeZone: 'UTC' }, end: { dateTime: '2026-12-01T18:00:00.0000000', timeZone: 'UTC' }, isMeeting: true },
          { isPrivate: true, status: 'somethingNew', start: { dateTime: '2026-12-01T19:00:00.0000000', timeZone: 'UTC' }, end: { dateTime: '2026-12-01T20:00:00.0000000', timeZone: 'UTC' } },
        ],
        workingHours: { daysOfWeek: ['monday'], startTime: '08:00:00.0000000', endTime: '17:00:00.0000000', timeZone: { name: 'Pacific Standard Time' } },
      },
      { scheduleId: 'nobody@example.com', error: { message: 'Unable to resolve e-mail address nobody@example.com to an Active Directory object.', responseCode: '5009' } },
      { scheduleId: 'broken@example.com', error: { message: 'Something else', responseCode: '5010' } },
    ],
  };

  it('keys results by lower-cased id, maps per-schedule errors, and keeps unknown statuses as unknown', () => {
    const map = parseScheduleResponse(JSON.stringify(ok));
    expect(map.get('alice@example.com')).toEqual({
      ok: true,
      items: ScheduleItems.of([
        { start: at('2026-12-01T17:00:00Z'), end: at('2026-12-01T18:00:00Z'), status: 'busy', isPrivate: false, subject: 'S' },
        { start: at('2026-12-01T19:00:00Z'), end: at('2026-12-01T20:00:00Z'), status: 'unknown', isPrivate: true },
      ]),
      workingHours: ok.value[0]?.workingHours,
    });
    expect(map.get('nobody@example.com')).toMatchObject({ ok: false, failure: 'not-found' });
    expect(map.get('broken@example.com')).toMatchObject({ ok: false, failure: 'upstream' });
  });

  it('keeps a customTimeZone in working hours', () => {
    const tz = { '@odata.type': '#microsoft.graph.customTimeZone', bias: -60, name: 'Customized Time Zone', standardOffset: { time: '03:00:00', dayOccurrence: 5, dayOfWeek: 'sunday', month: 10, year: 0 } };
    const body = { value: [{ scheduleId: 'd@x.com', scheduleItems: [], workingHours: { daysOfWeek: [], startTime: '08:00:00', endTime: '16:00:00', timeZone: tz } }] };
    expect(parseScheduleResponse(JSON.stringify(body)).get('d@x.com')).toMatchObject({ ok: true, workingHours: { timeZone: tz } });
  });

  it('rejects junk without echoing the body', () => {
    expect(() => parseScheduleResponse('{"value":[{"scheduleId":')).toThrow(/not JSON/);
    expect(() => parseScheduleResponse('<html>secret subject</html>')).toThrow(/not JSON/);
    const wrong = JSON.stringify({ value: [{ scheduleId: 'a', scheduleItems: [{ subject: 'Secret merger', start: {}, end: {} }] }] });
    expect(() => parseScheduleResponse(wrong)).toThrow(/unexpected shape/);
    try {
      parseScheduleResponse(wrong);
    } catch (err) {
      expect((err as Error).message).not.toContain('Secret');
    }
    expect(() => parseScheduleResponse(JSON.stringify({ value: [{ scheduleId: 'a', scheduleItems: [{ status: 'busy', start: { dateTime: '2026-12-01T17:00:00', timeZone: 'Tokyo Standard Time' }, end: { dateTime: '2026-12-01T18:00:00', timeZone: 'UTC' } }] }] }))).toThrow(/UTC/);
  });
});

describe('parseGraphError', () => {
  it('reads the code of a Graph error body only', () => {
    expect(parseGraphError('{"error":{"code":"ErrorInvalidUser","message":"x"}}')).toEqual({ code: 'ErrorInvalidUser' });
    expect(parseGraphError('{"error":"invalid_client"}')).toBeUndefined();
    expect(parseGraphError('nope')).toBeUndefined();
  });
});

describe('parseGraphInstant (hand-written for speed)', () => {
  it('agrees with Date.parse on every valid UTC date-time and refuses malformed ones', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2200, 0, 1)), noInvalidDate: true }), fc.integer({ min: 0, max: 9_999_999 }), (d, ticks) => {
        const base = d.toISOString().slice(0, 19);
        const frac = String(ticks).padStart(7, '0');
        expect(parseGraphInstant({ dateTime: `${base}.${frac}`, timeZone: 'UTC' })).toBe(Date.parse(`${base}Z`) + Math.floor(Number(`0.${frac}`) * 1000));
        expect(parseGraphInstant({ dateTime: `${base}Z` })).toBe(Date.parse(`${base}Z`));
      }),
      { seed: 4, numRuns: 500 },
    );
    for (const bad of ['2026-13-01T00:00:00', '2026-02-30T00:00:00', '2026-12-01 00:00:00', '2026-12-01T24:00:00', '2026-12-01T00:00:00.', '2026-12-01T00:00:00.12x', '26-12-01T00:00:00', '2026-12-01T00:00']) {
      expect(parseGraphInstant({ dateTime: bad, timeZone: 'UTC' }), bad).toBeNaN();
    }
    expect(parseGraphInstant({ dateTime: '2028-02-29T12:00:00', timeZone: 'Etc/UTC' })).toBe(Date.UTC(2028, 1, 29, 12));
    expect(parseGraphInstant({ dateTime: '2026-12-01T00:00:00', timeZone: 'Pacific Standard Time' })).toBeNaN();
  });
});
