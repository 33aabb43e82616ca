// The getSchedule byte scanner against the reference reading (JSON.parse and the checks): on every answer the
// scanner accepts, both must give the same results; on anything else it must step aside.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_KEPT_ROOM, ScheduleScanner, WORKING_HOURS_KEPT } from './schedule-scan.js';
import { parseScheduleResponse } from './schedule-response.js';
import { parseScheduleJson } from './schedule-wire.js';
import { ScheduleItems } from '../availability/schedule-source.js';

const reference = (text: string) => {
  try {
    return { ok: true as const, value: parseScheduleJson(text) };
  } catch (err) {
    return { ok: false as const, message: (err as Error).message };
  }
};
// One scanner for every answer below, as the Graph source has: its columns and working hours serve them all.
const scanner = new ScheduleScanner();
const scanScheduleResponse = (body: Buffer) => scanner.scan(body);
const scan = (text: string) => scanScheduleResponse(Buffer.from(text, 'utf8'));

/** The same object with its keys in an order drawn from `seed` (JSON.parse keeps the last of repeated keys). */
function shuffled(o: Record<string, unknown>, seed: number): Record<string, unknown> {
  const keys = Object.keys(o);
  let a = seed >>> 0;
  for (let i = keys.length - 1; i > 0; i--) {
    a = (Math.imul(a ^ (a >>> 15), 2_246_822_507) + 0x6d2b79f5) >>> 0;
    const j = a % (i + 1);
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  return Object.fromEntries(keys.map((k) => [k, o[k]]));
}

const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', 'Board "Q4" \\ review', 'a\u0000b\n\t', 'café ☕ 😀', '\ud800'));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });
const dateTime = fc
  .record({ ms: fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }), tail: fc.constantFrom('', '.0000000', '.1234567', 'Z', '.5', '.12') })
  .map(({ ms, tail }) => new Date(ms).toISOString().slice(0, 19) + tail);
const zone = maybe(fc.constantFrom<string | null>('UTC', 'Etc/UTC', 'utc', 'GMT', null));
const extra = fc.dictionary(fc.constantFrom('isMeeting', 'isRecurring', 'isException', 'isReminderSet', 'id', 'x-unknown', 'nested'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 });
const instant = fc.record({ dateTime, timeZone: zone, more: fc.option(extra, { nil: undefined }), seed: fc.nat() }).map(({ dateTime, timeZone, more, seed }) => {
  const o: Record<string, unknown> = { ...more, dateTime };
  if (timeZone !== undefined) o.timeZone = timeZone;
  return shuffled(o, seed);
});
const item = fc
  .record({
    isPrivate: maybe(fc.constantFrom<boolean | null>(true, false, null)),
    status: maybe(fc.constantFrom<string | null>('free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown', 'somethingNew', null)),
    subject: maybe(fc.option(text)),
    location: maybe(fc.option(text)),
    start: instant,
    end: instant,
    more: extra,
    seed: fc.nat(),
  })
  .map(({ more, seed, ...fields }) => shuffled({ ...more, ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) }, seed));
const workingHours = fc.constantFrom(
  undefined,
  null,
  { daysOfWeek: ['monday', 'tuesday'], startTime: '08:00:00.0000000', endTime: '17:00:00.0000000', timeZone: { name: 'Pacific Standard Time' } },
  { daysOfWeek: [], startTime: '09:00:00', endTime: '17:00:00', timeZone: { '@odata.type': '#microsoft.graph.customTimeZone', bias: -60, name: 'Custom', standardOffset: { time: '03:00:00', dayOccurrence: 5, dayOfWeek: 'sunday', month: 10, year: 0 }, daylightOffset: { time: '02:00:00', dayOccurrence: 5, dayOfWeek: 'sunday', month: 3, year: 0, daylightBias: -60 } } },
);
const error = fc.constantFrom(undefined, null, { message: 'The user could not be found', responseCode: '5009' }, { message: 'Unable to resolve', responseCode: null }, { responseCode: 'ErrorInternal' }, {});
const schedule = fc
  .record({ scheduleId: text, items: fc.option(fc.array(item, { maxLength: 6 }), { nil: undefined }), workingHours, error, view: fc.constant('0000'), seed: fc.nat() })
  .map(({ scheduleId, items, workingHours, error, view, seed }) => {
    const o: Record<string, unknown> = { scheduleId, availabilityView: view };
    if (items !== undefined) o.scheduleItems = items;
    if (workingHours !== undefined) o.workingHours = workingHours;
    if (error !== undefined) o.error = error;
    return shuffled(o, seed);
  });
const answer = fc.record({ schedules: fc.array(schedule, { maxLength: 4 }), indent: fc.constantFrom(undefined, 0, 1, '\t', ' \r\n') }).map(({ schedules, indent }) =>
  JSON.stringify({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)', value: schedules }, null, indent),
);

describe('ScheduleScanner.scan', () => {
  it('reads generated getSchedule answers exactly as JSON.parse and the checks do', () => {
    fc.assert(
      fc.property(answer, (body) => {
        const expected = reference(body);
        const got = scan(body);
        if (expected.ok) {
          // Every well-formed answer in Graph's shape is read by the scanner itself, not handed back.
          expect(got).toBeDefined();
          expect(got).toStrictEqual(expected.value);
        } else expect(got).toBeUndefined();
      }),
      { seed: 41, numRuns: 400 },
    );
  });

  it('steps aside (never a different answer) on damaged bodies', () => {
    const damaged = fc.tuple(answer, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('replace', 'cut', 'insert')).map(([body, at, byte, how]) => {
      const b = Buffer.from(body, 'utf8');
      const i = b.length === 0 ? 0 : at % b.length;
      if (how === 'cut') return b.subarray(0, i);
      if (how === 'insert') return Buffer.concat([b.subarray(0, i), Buffer.of(byte), b.subarray(i)]);
      const copy = Buffer.from(b);
      copy[i] = byte;
      return copy;
    });
    fc.assert(
      fc.property(damaged, (bytes) => {
        const got = scanScheduleResponse(bytes);
        const expected = reference(bytes.toString('utf8'));
        if (got !== undefined) {
          expect(expected.ok).toBe(true);
          if (expected.ok) expect(got).toStrictEqual(expected.value);
        }
      }),
      { seed: 42, numRuns: 1500 },
    );
  });

  it('takes the last of repeated keys, as JSON.parse does', () => {
    const body =
      '{"value":[{"scheduleId":"A@x","scheduleItems":[{"status":"busy","status":"free","subject":"one","subject":null,"isPrivate":true,"isPrivate":false,' +
      '"start":{"dateTime":"2026-12-01T09:00:00","dateTime":"2026-12-01T10:00:00","timeZone":"Pacific Standard Time","timeZone":"UTC"},"end":{"dateTime":"2026-12-01T11:00:00"}}]}],"value":[]}';
    expect(scan(body)).toStrictEqual(reference(body).ok ? parseScheduleJson(body) : undefined);
    const second = '{"value":[{"scheduleId":"A@x","scheduleItems":[{"status":"busy","status":"free","start":{"dateTime":"2026-12-01T10:00:00"},"end":{"dateTime":"2026-12-01T11:00:00"}}]}]}';
    expect(scan(second)).toStrictEqual(parseScheduleJson(second));
    expect(scan(second)?.get('a@x')).toStrictEqual({ ok: true, items: ScheduleItems.of([{ start: Date.UTC(2026, 11, 1, 10), end: Date.UTC(2026, 11, 1, 11), status: 'free', isPrivate: false }]) });
  });

  it('hands back what it does not read itself, and parseScheduleResponse still answers', () => {
    const deep = '{"value":[{"scheduleId":"a@x","scheduleItems":[],"x":' + '['.repeat(40) + ']'.repeat(40) + '}]}';
    expect(scan(deep)).toBeUndefined();
    expect(parseScheduleResponse(deep).get('a@x')).toStrictEqual({ ok: true, items: ScheduleItems.EMPTY });
    const escapedKey = '{"value":[{"schedule\\u0049d":"a@x","scheduleItems":[]}]}';
    expect(scan(escapedKey)).toBeUndefined();
    expect(parseScheduleResponse(escapedKey).get('a@x')).toStrictEqual({ ok: true, items: ScheduleItems.EMPTY });
    // A zone other than UTC is refused by both readings, with the reference's message.
    const pacific = '{"value":[{"scheduleId":"a@x","scheduleItems":[{"status":"busy","start":{"dateTime":"2026-12-01T09:00:00","timeZone":"Pacific Standard Time"},"end":{"dateTime":"2026-12-01T10:00:00","timeZone":"UTC"}}]}]}';
    expect(scan(pacific)).toBeUndefined();
    expect(() => parseScheduleResponse(pacific)).toThrow('schedule item time is not a UTC date-time');
    expect(() => parseScheduleResponse(Buffer.from('{"value":[{"scheduleId":"a@x",]}'))).toThrow('getSchedule response is not JSON');
  });

  it('gives the same frozen workingHours object for the same bytes, a new one for other bytes', () => {
    const hours = (start: string) => `{"daysOfWeek":["monday"],"startTime":"${start}","endTime":"17:00:00","timeZone":{"name":"Pacific Standard Time"}}`;
    const body = (start: string) => `{"value":[{"scheduleId":"a@x","scheduleItems":[],"workingHours":${hours(start)}}]}`;
    const wh = (start: string) => {
      const r = scan(body(start))?.get('a@x');
      return r?.ok ? r.workingHours : undefined;
    };
    const first = wh('08:00:00');
    expect(first).toStrictEqual(JSON.parse(hours('08:00:00')));
    expect(Object.isFrozen(first) && Object.isFrozen(first?.timeZone) && Object.isFrozen(first?.daysOfWeek)).toBe(true);
    expect(wh('08:00:00')).toBe(first);
    expect(wh('09:00:00')).not.toBe(first);
    expect(wh('09:00:00')?.startTime).toBe('09:00:00');
  });

  it('decodes escapes and UTF-8 in values, including a UTF-8 sequence cut by the closing quote', () => {
    const body = Buffer.concat([Buffer.from('{"value":[{"scheduleId":"a@x","scheduleItems":[{"status":"busy","subject":"caf\\u00e9 \\"x\\" \\\\ \\n ☕","location":"'), Buffer.of(0xe2, 0x98), Buffer.from('","start":{"dateTime":"2026-12-01T09:00:00"},"end":{"dateTime":"2026-12-01T10:00:00"}}]}]}')]);
    const got = scanScheduleResponse(body);
    expect(got).toStrictEqual(parseScheduleJson(body.toString('utf8')));
    const first = got?.get('a@x');
    expect(first?.ok && first.items.subject(0)).toBe('café "x" \\ \n ☕');
  });
});

describe('ScheduleScanner ownership', () => {
  const item = (i: number) => `{"status":"busy","subject":"s${i}","start":{"dateTime":"2026-12-01T09:00:00"},"end":{"dateTime":"2026-12-01T10:00:00"}}`;
  const answerOf = (items: number, tail = '') => Buffer.from(`{"value":[{"scheduleId":"a@x","scheduleItems":[${Array.from({ length: items }, (_, i) => item(i)).join(',')}]}]}${tail}`);
  const hours = (start: string) => `{"daysOfWeek":["monday"],"startTime":"${start}","endTime":"17:00:00","timeZone":{"name":"Pacific Standard Time"}}`;
  const withHours = (start: string) => Buffer.from(`{"value":[{"scheduleId":"a@x","scheduleItems":[],"workingHours":${hours(start)}}]}`);
  const hoursOf = (s: ScheduleScanner, start: string) => {
    const r = s.scan(withHours(start))?.get('a@x');
    return r?.ok ? r.workingHours : undefined;
  };

  it('lets a huge answer given up on at its very end go, instead of holding its columns until the next success', () => {
    const s = new ScheduleScanner();
    expect(s.scan(answerOf(3))?.get('a@x')).toMatchObject({ ok: true });
    // 100,000 items read into the columns, then trailing garbage: given up on, after growing the room.
    expect(s.scan(answerOf(100_000, ' x'))).toBeUndefined();
    expect(s.keptRoom).toBeGreaterThan(0);
    expect(s.keptRoom).toBeLessThanOrEqual(MAX_KEPT_ROOM);
  });

  it('gives its columns back when reading throws, and reads the next answer as if nothing happened', () => {
    const s = new ScheduleScanner();
    const good = answerOf(5);
    // A body whose bytes cannot be read past the middle: the error is not a give-up, so it propagates.
    const failing = new Proxy(answerOf(50), {
      get(target, key) {
        if (typeof key === 'string' && /^\d+$/.test(key) && Number(key) > 400) throw new Error('read failed');
        const v = Reflect.get(target, key, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    expect(() => s.scan(failing)).toThrow('read failed');
    expect(s.keptRoom).toBeGreaterThan(0);
    const after = s.scan(good)?.get('a@x');
    expect(after).toStrictEqual(parseScheduleJson(good.toString('utf8')).get('a@x'));
    expect(after?.ok && after.items.length).toBe(5);
  });

  it('shares working hours within one scanner only: two scanners never hand out the same object', () => {
    const a = new ScheduleScanner();
    const b = new ScheduleScanner();
    const fromA = hoursOf(a, '08:00:00');
    expect(hoursOf(a, '08:00:00')).toBe(fromA);
    const fromB = hoursOf(b, '08:00:00');
    expect(fromB).toStrictEqual(fromA);
    expect(fromB).not.toBe(fromA);
    expect(b.workingHoursKept).toBe(1);
  });

  it('remembers at most WORKING_HOURS_KEPT working hours, forgetting the least recently used one at a time', () => {
    const s = new ScheduleScanner();
    const time = (i: number) => `${String(Math.floor(i / 60) % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:${String(Math.floor(i / 1440)).padStart(2, '0')}`;
    const inUse = hoursOf(s, '23:59:59');
    for (let i = 0; i < WORKING_HOURS_KEPT + 20; i++) {
      hoursOf(s, time(i));
      expect(hoursOf(s, '23:59:59')).toBe(inUse);
    }
    expect(s.workingHoursKept).toBe(WORKING_HOURS_KEPT);
    // The oldest not used since went; one recently read is still shared.
    const recent = hoursOf(s, time(WORKING_HOURS_KEPT + 19));
    expect(hoursOf(s, time(WORKING_HOURS_KEPT + 19))).toBe(recent);
  });
});
