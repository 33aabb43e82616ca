// A getSchedule answer read straight from its bytes into MailboxSchedules: the fast path of parseScheduleResponse.
// This file owns getSchedule's shape (the keys read, statuses, date-times, items, working hours, each mailbox's
// schedule and the answer) and the ScheduleScanner that lends every answer its columns. The bytes themselves are
// walked by the JSON cursor the reader extends (json-cursor.ts), which knows no shape.
//
// Why hand-written: JSON.parse turns every scheduleItem into three objects and four strings that the relay
// reads once and drops. A dense lookup (100 mailboxes over 62 days) is 10 MB of JSON and ~35,000 items; decoding
// the bytes to a string, building that object graph and collecting it again was the largest part of the lookup.
// Streaming JSON libraries (@streamparser/json, stream-json) emit a token or a value at a time through callbacks
// and are several times slower than JSON.parse, so none fits. This reader knows getSchedule's documented shape
// and nothing else: anything it does not expect (an escape in a key or a date, a field of another type, a
// syntax error, nesting deeper than MAX_DEPTH) makes it give up, and the caller falls back to JSON.parse and the
// full checks, which accept or reject the body and name the problem. So it can only ever be faster, not
// different: schedule-scan.test.ts checks both paths against each other on generated answers.
import { isWorkingHours, ScheduleItems, ScheduleItemsBuilder, type MailboxSchedule } from '../availability/schedule-source.js';
import { shareWorkingHours } from '../availability/shared-working-hours.js';
import { BoundedMap } from '../bounded-map.js';
import { asciiBytes, asciiHash, CLOSE_ARRAY, CLOSE_OBJECT, giveUp, JsonCursor, LITERAL, OPEN_ARRAY, QUOTE } from './json-cursor.js';
import { isUtcZone, mailboxError, normaliseStatus, utcInstantIn, GRAPH_STATUSES, type GraphStatus, type GraphWorkingHours } from './schedule-wire.js';

const INITIAL_ROOM = 1024;
/** Room kept after an answer: a larger one (a huge answer) is let go rather than held for good. */
export const MAX_KEPT_ROOM = 65_536;

const K = {
  value: asciiBytes('value'),
  scheduleId: asciiBytes('scheduleId'),
  scheduleItems: asciiBytes('scheduleItems'),
  workingHours: asciiBytes('workingHours'),
  error: asciiBytes('error'),
  isPrivate: asciiBytes('isPrivate'),
  status: asciiBytes('status'),
  subject: asciiBytes('subject'),
  location: asciiBytes('location'),
  start: asciiBytes('start'),
  end: asciiBytes('end'),
  dateTime: asciiBytes('dateTime'),
  timeZone: asciiBytes('timeZone'),
  utc: asciiBytes('UTC'),
};

/** A date-time object exactly as Graph writes it: `{"dateTime":"…","timeZone":"UTC"}` (read without key lookups). */
const CANONICAL_HEAD = asciiBytes('{"dateTime":"');
const CANONICAL_TAIL = asciiBytes('","timeZone":"UTC"}');
const STATUSES: readonly [Uint8Array, GraphStatus][] = GRAPH_STATUSES.map((s) => [asciiBytes(s), s]);

/** Distinct workingHours a scanner remembers: an organisation's mailboxes share a handful of settings. */
export const WORKING_HOURS_KEPT = 256;

/** workingHours as read before: their bytes, and the one frozen value shared by every answer that has them. */
interface SeenWorkingHours {
  bytes: Buffer;
  value: unknown;
}

class Reader extends JsonCursor {
  /** Each mailbox's range of the columns, handed out when the answer has been read whole. */
  readonly ranges: { result: MailboxSchedule & { ok: true }; from: number; to: number }[] = [];
  constructor(
    b: Buffer,
    n: number,
    /** Every item of the answer, in columns (schedule-items.ts): the scanner's, empty, lent for this answer. */
    readonly columns: ScheduleItemsBuilder,
    /** The scanner's workingHours seen, by FNV-1a hash of their (ASCII) bytes. */
    readonly workingHoursSeen: BoundedMap<number, SeenWorkingHours>,
  ) {
    super(b, n);
  }

  /** A status: the known ones matched in place; anything else as normaliseStatus reads it. */
  status(): GraphStatus {
    if (this.peek() !== QUOTE) {
      this.literal(LITERAL.null);
      return 'unknown';
    }
    const start = ++this.i;
    const end = this.stringEnd();
    for (const [name, status] of STATUSES) if (this.rangeIs(start, end, name)) return status;
    return normaliseStatus(this.decode(start, end));
  }

  /** workingHours (checked by the caller), the same frozen object for the same bytes. */
  workingHours(): unknown {
    this.ws();
    const start = this.i;
    this.skip(1);
    const b = this.b;
    const hash = asciiHash(b, start, this.i);
    const seen = hash < 0 ? undefined : this.workingHoursSeen.get(hash);
    if (seen && this.rangeIs(start, this.i, seen.bytes)) return seen.value;
    const value = shareWorkingHours(JSON.parse(b.toString('utf8', start, this.i)) as unknown);
    if (hash < 0) return value;
    this.workingHoursSeen.set(hash, { bytes: Buffer.from(b.subarray(start, this.i)), value });
    return value;
  }

  /** A dateTimeTimeZone as epoch ms; gives up on a zone other than UTC or a malformed date-time. */
  instant(): number {
    this.ws();
    const b = this.b;
    const from = this.i + CANONICAL_HEAD.length;
    if (this.rangeIs(this.i, from, CANONICAL_HEAD)) {
      let quote = from;
      while (quote < this.n && quote - from < 40 && b[quote] !== QUOTE) quote++;
      // utcInstantIn accepts only digits and separators in place, so a value it reads needs no escape checks.
      if (this.rangeIs(quote, quote + CANONICAL_TAIL.length, CANONICAL_TAIL)) {
        const ms = utcInstantIn(b, from, quote);
        if (!Number.isNaN(ms)) {
          this.i = quote + CANONICAL_TAIL.length;
          return ms;
        }
      }
    }
    return this.anyInstant();
  }

  /** instant() for any spelling of the object: keys in any order, other keys, other UTC names. */
  anyInstant(): number {
    if (!this.openObject()) throw giveUp;
    let from = -1;
    let to = -1;
    let utc = true;
    do {
      this.key();
      if (this.keyIs(K.dateTime)) {
        this.expect(QUOTE);
        from = this.i;
        to = this.stringEnd();
        if (to < 0) throw giveUp;
      } else if (this.keyIs(K.timeZone)) {
        if (this.peek() === QUOTE) {
          const start = ++this.i;
          const end = this.stringEnd();
          // "UTC" (what the relay asks for) is recognised in place; other spellings are decoded and looked up.
          utc = this.rangeIs(start, end, K.utc) || isUtcZone(this.decode(start, end));
        } else {
          this.literal(LITERAL.null);
          utc = true;
        }
      } else this.skip(2);
    } while (this.more(CLOSE_OBJECT));
    if (from < 0 || !utc) throw giveUp;
    const ms = utcInstantIn(this.b, from, to);
    if (Number.isNaN(ms)) throw giveUp;
    return ms;
  }

  /** One scheduleItem, added to the answer's columns. */
  item(): void {
    if (!this.openObject()) throw giveUp;
    let isPrivate: boolean | undefined;
    let status: GraphStatus = 'unknown';
    let subject: string | null = null;
    let location: string | null = null;
    let start = NaN;
    let end = NaN;
    do {
      this.key();
      if (this.keyIs(K.start)) start = this.instant();
      else if (this.keyIs(K.end)) end = this.instant();
      else if (this.keyIs(K.status)) status = this.status();
      else if (this.keyIs(K.subject)) subject = this.internedStringOrNull();
      else if (this.keyIs(K.location)) location = this.internedStringOrNull();
      else if (this.keyIs(K.isPrivate)) isPrivate = this.booleanOrNull();
      else this.skip(2);
    } while (this.more(CLOSE_OBJECT));
    if (Number.isNaN(start) || Number.isNaN(end)) throw giveUp;
    this.columns.push(start, end, status, isPrivate ?? false, subject, location);
  }

  /** A scheduleItems array as its range [from, to) in the answer's columns; undefined for `null`. */
  items(): { from: number; to: number } | undefined {
    const c = this.peek();
    if (c !== OPEN_ARRAY) {
      this.literal(LITERAL.null);
      return undefined;
    }
    this.i++;
    const from = this.columns.length;
    if (this.peek() === CLOSE_ARRAY) this.i++;
    else {
      do this.item();
      while (this.more(CLOSE_ARRAY));
    }
    return { from, to: this.columns.length };
  }

  schedule(out: Map<string, MailboxSchedule>): void {
    if (!this.openObject()) throw giveUp;
    let id: string | null = null;
    let items: { from: number; to: number } | undefined;
    let workingHours: unknown = null;
    let error: unknown = null;
    do {
      this.key();
      if (this.keyIs(K.scheduleItems)) items = this.items();
      else if (this.keyIs(K.scheduleId)) id = this.stringOrNull();
      else if (this.keyIs(K.workingHours)) workingHours = this.workingHours();
      else if (this.keyIs(K.error)) error = this.parsed();
      else this.skip(2);
    } while (this.more(CLOSE_OBJECT));
    if (id === null || !isWorkingHours(workingHours)) throw giveUp;
    if (error !== null && error !== undefined) {
      const failed = mailboxError(error);
      if (!failed) throw giveUp;
      out.set(id.toLowerCase(), failed);
      return;
    }
    const result: MailboxSchedule & { ok: true } = { ok: true, items: ScheduleItems.EMPTY };
    if (workingHours) result.workingHours = workingHours as GraphWorkingHours;
    if (items && items.to > items.from) this.ranges.push({ result, ...items });
    out.set(id.toLowerCase(), result);
  }

  response(): Map<string, MailboxSchedule> {
    let out: Map<string, MailboxSchedule> | undefined;
    if (!this.openObject()) throw giveUp;
    do {
      this.key();
      if (this.keyIs(K.value)) {
        // A repeated key counts once, as the last one (as JSON.parse has it).
        out = new Map();
        this.expect(OPEN_ARRAY);
        if (this.peek() === CLOSE_ARRAY) this.i++;
        else {
          do this.schedule(out);
          while (this.more(CLOSE_ARRAY));
        }
      } else this.skip(1);
    } while (this.more(CLOSE_OBJECT));
    if (!out || this.peek() !== -1) throw giveUp;
    // The columns are complete: copied out once, then each mailbox gets its range of them.
    const sealed = this.columns.seal();
    for (const { result, from, to } of this.ranges) result.items = sealed.take(from, to);
    return out;
  }
}

/**
 * Reads getSchedule answers, and owns what they share: the columns every answer is read into (then copied out at
 * the answer's size, so the room to grow is made once, not per answer) and the workingHours seen. One per Graph
 * schedule source. An answer is read to completion without awaiting, so one set of columns serves every answer
 * in turn: taken when an answer starts and given back, emptied, in `finally`, however the answer ends; a huge
 * answer's room is let go then, not held until the next answer that succeeds.
 */
export class ScheduleScanner {
  /** The columns while no answer holds them (made on first use). */
  #columns: ScheduleItemsBuilder | undefined;
  readonly #workingHoursSeen = new BoundedMap<number, SeenWorkingHours>(WORKING_HOURS_KEPT);

  /**
   * The results of a getSchedule answer keyed by lower-cased scheduleId, exactly as parseScheduleResponse's
   * JSON.parse path has them; undefined when the body is anything but the usual shape (the caller then takes that
   * path, which accepts or rejects it and names the problem).
   */
  scan(body: Buffer): Map<string, MailboxSchedule> | undefined {
    // Were they ever held (a scan within a scan: none today), this answer would get columns of its own.
    const columns = this.#columns ?? new ScheduleItemsBuilder(INITIAL_ROOM);
    this.#columns = undefined;
    try {
      return new Reader(body, body.length, columns, this.#workingHoursSeen).response();
    } catch (err) {
      if (err === giveUp || err instanceof SyntaxError) return undefined;
      throw err;
    } finally {
      // Emptied (a given-up answer's subjects are not kept alive) and given back.
      columns.reset();
      this.#columns = columns.room > MAX_KEPT_ROOM ? new ScheduleItemsBuilder(INITIAL_ROOM) : columns;
    }
  }

  /** Items the kept columns have room for (0 before the first answer, or while an answer holds them). */
  get keptRoom(): number {
    return this.#columns?.room ?? 0;
  }

  /** Distinct workingHours remembered. */
  get workingHoursKept(): number {
    return this.#workingHoursSeen.size;
  }
}
