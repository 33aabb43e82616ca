// The fast answer writer against the reference (reference-writer.ts): for generated lookups, the bytes the EWS
// handler sends (writeAvailabilityAnswer, both response schemas) are exactly the reference's UTF-8, and a sample
// of them is valid against the EWS XSD. Views come from the real buildFreeBusyView over columns made by
// ScheduleItemsBuilder, so whatever a lookup can put in an answer is here: every view, both disclosures, failures
// with every per-mailbox code, private events, text XML cannot carry, named and custom working-hours zones,
// request zones, windows up to 62 days and answers that outgrow the 64 KB scratch buffer and the 256 KB chunks.
// More runs: FUZZ_RUNS=2000 npx vitest run src/ews/reference-writer.test.ts (FUZZ_SEED for another seed).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectXsdValid } from '../../test/support/xsd.js';
import { buildFreeBusyView, type ViewContext } from '../availability/build-view.js';
import type { MailboxFailure, MailboxOutcome } from '../availability/lookup.js';
import { FREE_BUSY_STATUSES, ScheduleItemsBuilder, type ScheduleItem, type WorkingHours, type ZoneOffsetRule } from '../availability/schedule-source.js';
import { MAX_WINDOW_DAYS } from '../limits.js';
import { rulesFromWindowsId, UTC_RULES, WINDOWS_ZONE_IDS } from '../availability/time-zone/index.js';
import type { Disclosure, RequestedView } from '../availability/build-view.js';

import { writeAvailabilityAnswer } from './handle-request.js';
import { referenceAvailabilityEnvelope } from './reference-writer.js';
import { ScratchBuffer } from './xml-writer.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 200);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20_261_201);
const SCHEMAS = ['exchange-online', 'exchange2010-sp2'] as const;
const MINUTE = 60_000;
const DAY = 86_400_000;

// Every per-mailbox failure kind: a kind added to the type and not here fails to compile.
const FAILURES = Object.keys({
  'not-found': 1,
  timeout: 1,
  upstream: 1,
  'breaker-open': 1,
  'not-served': 1,
  'invalid-address': 1,
} satisfies Record<MailboxFailure, 1>) as MailboxFailure[];
const VIEWS: RequestedView[] = ['MergedOnly', 'FreeBusy', 'FreeBusyMerged', 'Detailed', 'DetailedMerged'];
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** Any UTF-16 code unit: lone surrogates, C0 controls, U+FFFE and U+FFFF among them. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const text = fc.oneof(
  fc.constantFrom('', 'Standup', `R&D <sync> "Q3" 'plan' ]]>`, 'Café ☕ 😀 𝄞 🧑🏽‍💻', 'tab\tCR\rLF\n', 'nul\u0000 bell\u0007 vt\u000B ff\u000C esc\u001B', '\uFFFE\uFFFF', 'lone \uD83D high', 'lone \uDE00 low', '\u0001'),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: codeUnit, maxLength: 60 }),
);

interface WindowSpec {
  startUtc: number;
  endUtc: number;
}

/**
 * Items mostly overlapping the window, some wholly outside it, at millisecond precision, in any order; `inside`:
 * every item starts in the window.
 */
function itemArb(w: WindowSpec, inside = false): fc.Arbitrary<ScheduleItem> {
  const span = w.endUtc - w.startUtc;
  const start = inside
    ? fc.integer({ min: w.startUtc, max: w.endUtc - 1 })
    : fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min: w.startUtc - DAY, max: w.endUtc - 1 }) },
        { weight: 1, arbitrary: fc.integer({ min: w.startUtc - 3 * DAY, max: w.endUtc + DAY }) },
      );
  const length = fc.oneof(fc.constantFrom(0, 30 * MINUTE, 60 * MINUTE), fc.integer({ min: 1, max: Math.min(span + DAY, 3 * DAY) }));
  return fc
    .record({ start, length, status: fc.constantFrom(...FREE_BUSY_STATUSES), isPrivate: fc.boolean(), subject: fc.option(text, { nil: undefined }), location: fc.option(text, { nil: undefined }) })
    .map(({ start, length, ...rest }) => ({ start, end: start + length, ...rest }));
}

const timeOfDay = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45)).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00.0000000`) },
  { weight: 1, arbitrary: fc.constantFrom('00:00:00', '24:00:00', '24:30:00', 'noon', '') },
);
const offsetArb = (daylight: boolean): fc.Arbitrary<ZoneOffsetRule> =>
  fc
    .record({
      time: fc.constantFrom('02:00:00.0000000', '03:00:00', '00:00:00', '23:59:59.0000000'),
      dayOfWeek: fc.constantFrom(...DAYS),
      month: fc.integer({ min: 0, max: 12 }),
      fixed: fc.boolean(),
      dayOccurrence: fc.integer({ min: 1, max: 5 }),
      dayOfMonth: fc.integer({ min: 1, max: 28 }),
      daylightBias: fc.constantFrom(-60, -30, 0, 60),
    })
    .map(({ fixed, dayOccurrence, dayOfMonth, daylightBias, ...o }) => ({
      ...o,
      dayOccurrence: fixed ? dayOfMonth : dayOccurrence,
      year: fixed ? 2026 : 0,
      ...(daylight ? { daylightBias } : {}),
    }));
/** Graph working hours with a Windows, IANA or unplaceable zone name, or a customTimeZone (as getSchedule sends them). */
const workingHoursArb: fc.Arbitrary<WorkingHours> = fc.record({
  daysOfWeek: fc.array(fc.constantFrom(...DAYS, 'Monday', 'FRIDAY', 'funday'), { maxLength: 8 }),
  startTime: timeOfDay,
  endTime: timeOfDay,
  timeZone: fc.oneof(
    fc.record({ name: fc.constantFrom(...WINDOWS_ZONE_IDS, 'Europe/Berlin', 'Asia/Kolkata', 'tzone://Microsoft/Custom', 'Atlantis Standard Time', '') }),
    fc.record(
      {
        '@odata.type': fc.constant('#microsoft.graph.customTimeZone'),
        name: fc.constant('Customized Time Zone'),
        bias: fc.integer({ min: -840, max: 720 }),
        standardOffset: offsetArb(false),
        daylightOffset: offsetArb(true),
      },
      { requiredKeys: ['bias'] },
    ),
  ),
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}

type MailboxSpec =
  | { ok: false; failure: MailboxFailure; detail: string }
  | { ok: true; disclosure: Disclosure; items: ScheduleItem[]; hours: 'none' | 'shared' | WorkingHours };

interface LookupSpec extends WindowSpec {
  intervalMinutes: number;
  requested: RequestedView;
  workingElsewhere: boolean;
  /** The request's zone: a Windows id (TimeZoneContext), or UTC when undefined. */
  zoneId: string | undefined;
  /** Working hours several mailboxes share, frozen, as schedule-scan.ts hands them out. */
  sharedHours: WorkingHours;
  mailboxes: MailboxSpec[];
}

interface LookupOptions {
  /** Every mailbox a success with hundreds of events: answers past the scratch buffer and the first chunk. */
  dense?: boolean;
  workingElsewhere?: boolean;
}

function lookupArb(options: LookupOptions = {}): fc.Arbitrary<LookupSpec> {
  const window = fc
    .record({
      startUtc: fc.integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2040, 0, 1) / 1000 }).map((s) => s * 1000),
      seconds: options.dense
        ? fc.integer({ min: 86_400, max: MAX_WINDOW_DAYS * 86_400 })
        : fc.oneof(fc.integer({ min: 1, max: 2 * 86_400 }), fc.integer({ min: 1, max: MAX_WINDOW_DAYS * 86_400 })),
    })
    .map(({ startUtc, seconds }) => ({ startUtc, endUtc: startUtc + seconds * 1000 }));
  return window.chain((w) => {
    const sparse = fc.array(itemArb(w), { maxLength: 25 });
    // Not shrunk: each try rewrites an answer of hundreds of KB, and the other fields shrink to the culprit sooner.
    const dense = fc.noShrink(fc.array(itemArb(w, options.dense), { minLength: 250, maxLength: options.dense ? 1200 : 900 }));
    const success = fc.record({
      ok: fc.constant(true as const),
      disclosure: options.dense ? fc.constant<Disclosure>('details') : fc.constantFrom<Disclosure>('freeBusy', 'details'),
      items: options.dense ? dense : fc.oneof({ weight: 6, arbitrary: sparse }, { weight: 1, arbitrary: dense }),
      hours: fc.oneof(fc.constantFrom<'none' | 'shared'>('none', 'shared'), workingHoursArb),
    });
    const failure = fc.record({ ok: fc.constant(false as const), failure: fc.constantFrom(...FAILURES), detail: text });
    const mailbox: fc.Arbitrary<MailboxSpec> = options.dense ? success : fc.oneof({ weight: 1, arbitrary: failure }, { weight: 3, arbitrary: success });
    return fc.record({
      startUtc: fc.constant(w.startUtc),
      endUtc: fc.constant(w.endUtc),
      intervalMinutes: fc.oneof(fc.constantFrom(5, 15, 30, 60, 1440), fc.integer({ min: 5, max: 1440 })),
      requested: options.dense ? fc.constantFrom<RequestedView>('Detailed', 'DetailedMerged') : fc.constantFrom(...VIEWS),
      workingElsewhere: options.workingElsewhere === undefined ? fc.boolean() : fc.constant(options.workingElsewhere),
      zoneId: fc.option(fc.constantFrom(...WINDOWS_ZONE_IDS), { nil: undefined }),
      sharedHours: workingHoursArb,
      mailboxes: fc.array(mailbox, { minLength: options.dense ? 2 : 0, maxLength: options.dense ? 4 : 7 }),
    });
  });
}

/** The outcomes lookupAvailability would hand the writer for this lookup: one view context per disclosure. */
function outcomesOf(spec: LookupSpec): MailboxOutcome[] {
  const zone = spec.zoneId === undefined ? UTC_RULES : rulesFromWindowsId(spec.zoneId)!;
  const shared = deepFreeze(structuredClone(spec.sharedHours));
  const context = (disclosure: Disclosure): ViewContext => ({
    startUtc: spec.startUtc,
    endUtc: spec.endUtc,
    intervalMinutes: spec.intervalMinutes,
    requested: spec.requested,
    disclosure,
    workingElsewhere: spec.workingElsewhere,
    zone,
  });
  return spec.mailboxes.map((m): MailboxOutcome => {
    if (!m.ok) return m;
    const b = new ScheduleItemsBuilder(m.items.length);
    for (const it of m.items) b.push(it.start, it.end, it.status, it.isPrivate, it.subject, it.location);
    const items = b.build();
    const hours = m.hours === 'none' ? undefined : m.hours === 'shared' ? shared : m.hours;
    const ctx = context(m.disclosure);
    return { ok: true, view: () => buildFreeBusyView(items, hours, ctx) };
  });
}

/** Where two answers first part, with some bytes of each around it; undefined when they are equal. */
function firstDifference(fast: Buffer, reference: Buffer): string | undefined {
  if (fast.equals(reference)) return undefined;
  let i = 0;
  while (i < fast.length && i < reference.length && fast[i] === reference[i]) i++;
  const around = (b: Buffer) => JSON.stringify(b.subarray(Math.max(0, i - 120), i + 120).toString('utf8'));
  return `lengths ${fast.length} (fast) and ${reference.length} (reference), first differing byte ${i}\n fast:      ${around(fast)}\n reference: ${around(reference)}`;
}

/** One app's scratch buffer, lent to every answer in turn, as the EWS handler's. */
const scratch = new ScratchBuffer();

/** The fast path's answer in both schemas, each checked against the reference; its pieces and bytes. */
function checkBothSchemas(spec: LookupSpec): { schema: (typeof SCHEMAS)[number]; pieces: number; bytes: Buffer }[] {
  const outcomes = outcomesOf(spec);
  return SCHEMAS.map((schema) => {
    const pieces = writeAvailabilityAnswer(outcomes, schema, scratch);
    const bytes = Buffer.concat(pieces);
    expect(firstDifference(bytes, Buffer.from(referenceAvailabilityEnvelope(outcomes, schema), 'utf8')), schema).toBeUndefined();
    expect(scratch.taken).toBe(false);
    return { schema, pieces: pieces.length, bytes };
  });
}

describe('the fast availability writer', () => {
  it('writes exactly the reference bytes, in both response schemas, for generated lookups', () => {
    const pieces: number[] = [];
    fc.assert(
      fc.property(lookupArb(), (spec) => {
        for (const answer of checkBothSchemas(spec)) pieces.push(answer.pieces);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // Some generated answers outgrow the 64 KB scratch buffer (two pieces or more), at the default run count.
    if (RUNS >= 100) expect(pieces.some((n) => n > 1)).toBe(true);
  }, Math.max(20_000, RUNS * 20));

  it('writes exactly the reference bytes for dense lookups past the scratch buffer and the first 256 KB chunk', () => {
    const specs = fc.sample(lookupArb({ dense: true }), { seed: SEED, numRuns: 4 });
    const pieces = specs.flatMap((spec) => checkBothSchemas(spec).map((a) => a.pieces));
    expect(Math.max(...pieces)).toBeGreaterThanOrEqual(3);
  });

  it('writes answers the EWS schema accepts: Exchange Online, and Exchange 2010 SP2 without WorkingElsewhere', async () => {
    // The 2010 SP2 schema has no BusyType WorkingElsewhere: the handler asks for it only from Exchange2013+ clients.
    const online = fc.sample(lookupArb(), { seed: SEED, numRuns: 12 }).map((spec) => checkBothSchemas(spec)[0]!.bytes.toString('utf8'));
    const sp2 = fc.sample(lookupArb({ workingElsewhere: false }), { seed: SEED + 1, numRuns: 12 }).map((spec) => checkBothSchemas(spec)[1]!.bytes.toString('utf8'));
    online.push(fc.sample(lookupArb({ dense: true, workingElsewhere: true }), { seed: SEED, numRuns: 1 }).map((spec) => checkBothSchemas(spec)[0]!.bytes.toString('utf8'))[0]!);
    await expectXsdValid(online, 'exchange-online');
    await expectXsdValid(sp2, 'exchange2010-sp2');
  });
});
