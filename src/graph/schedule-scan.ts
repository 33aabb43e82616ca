// A getSchedule answer read straight from its bytes into MailboxSchedules: the fast path of parseScheduleResponse.
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
import { isUtcZone, mailboxError, normaliseStatus, utcInstantIn } from './schedule-wire.js';
import { GRAPH_STATUSES, type GraphStatus, type GraphWorkingHours } from './types.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
/** Deeper than anything in a getSchedule answer; unknown fields nested further make the reader give up. */
const MAX_DEPTH = 32;

const INITIAL_ROOM = 1024;
/** Room kept after an answer: a larger one (a huge answer) is let go rather than held for good. */
export const MAX_KEPT_ROOM = 65_536;

/** Thrown inside the reader to give up; never leaves this module. */
class GiveUp {}
const giveUp = new GiveUp();

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const K = {
  value: bytes('value'),
  scheduleId: bytes('scheduleId'),
  scheduleItems: bytes('scheduleItems'),
  workingHours: bytes('workingHours'),
  error: bytes('error'),
  isPrivate: bytes('isPrivate'),
  status: bytes('status'),
  subject: bytes('subject'),
  location: bytes('location'),
  start: bytes('start'),
  end: bytes('end'),
  dateTime: bytes('dateTime'),
  timeZone: bytes('timeZone'),
  utc: bytes('UTC'),
  true: bytes('true'),
  false: bytes('false'),
  null: bytes('null'),
};

/** A date-time object exactly as Graph writes it: `{"dateTime":"…","timeZone":"UTC"}` (read without key lookups). */
const CANONICAL_HEAD = bytes('{"dateTime":"');
const CANONICAL_TAIL = bytes('","timeZone":"UTC"}');
const STATUSES: readonly [Uint8Array, GraphStatus][] = GRAPH_STATUSES.map((s) => [bytes(s), s]);
/** Distinct subjects and locations remembered per answer: meetings repeat across attendees and days. */
const MAX_INTERNED = 4096;

/** Distinct workingHours a scanner remembers: an organisation's mailboxes share a handful of settings. */
export const WORKING_HOURS_KEPT = 256;

/** workingHours as read before: their bytes, and the one frozen value shared by every answer that has them. */
interface SeenWorkingHours {
  bytes: Buffer;
  value: unknown;
}

class Reader {
  i = 0;
  /** ASCII subjects and locations already made, by FNV-1a hash of their bytes. */
  readonly interned = new Map<number, string>();
  /** Each mailbox's range of the columns, handed out when the answer has been read whole. */
  readonly ranges: { result: MailboxSchedule & { ok: true }; from: number; to: number }[] = [];
  /** Where the last key read lies: [keyStart, keyEnd). */
  keyStart = 0;
  keyEnd = 0;
  constructor(
    readonly b: Buffer,
    readonly n: number,
    /** Every item of the answer, in columns (schedule-items.ts): the scanner's, empty, lent for this answer. */
    readonly columns: ScheduleItemsBuilder,
    /** The scanner's workingHours seen, by FNV-1a hash of their (ASCII) bytes. */
    readonly workingHoursSeen: BoundedMap<number, SeenWorkingHours>,
  ) {}

  ws(): void {
    const b = this.b;
    let i = this.i;
    while (i < this.n) {
      const c = b[i]!;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    this.i = i;
  }

  /** The next non-blank byte (not consumed), or -1 at the end. */
  peek(): number {
    this.ws();
    return this.i < this.n ? this.b[this.i]! : -1;
  }

  expect(c: number): void {
    if (this.peek() !== c) throw giveUp;
    this.i++;
  }

  /** After a member or element: true when another follows (a comma was read), false at `close`. */
  more(close: number): boolean {
    const c = this.peek();
    this.i++;
    if (c === COMMA) return true;
    if (c === close) return false;
    throw giveUp;
  }

  /** Opens an object; false when it is empty (`{}` read whole). */
  openObject(): boolean {
    this.expect(OPEN_OBJECT);
    if (this.peek() === CLOSE_OBJECT) {
      this.i++;
      return false;
    }
    return true;
  }

  /**
   * Reads `"key":` of an object whose keys the reader looks at, leaving the key's range in keyStart/keyEnd. An
   * escaped key could spell a known one ("\u0073tatus"): give up.
   */
  key(): void {
    this.expect(QUOTE);
    const start = this.i;
    const end = this.stringEnd();
    if (end < 0) throw giveUp;
    this.keyStart = start;
    this.keyEnd = end;
    this.expect(COLON);
  }

  keyIs(name: Uint8Array): boolean {
    return this.rangeIs(this.keyStart, this.keyEnd, name);
  }

  rangeIs(start: number, end: number, name: Uint8Array): boolean {
    if (end - start !== name.length) return false;
    const b = this.b;
    for (let j = 0; j < name.length; j++) if (b[start + j] !== name[j]) return false;
    return true;
  }

  /**
   * With `i` just past an opening quote: moves past the closing quote and returns where the content ends, as
   * -end - 1 when the content holds an escape. Bad escapes and raw control characters are not JSON: give up.
   */
  stringEnd(): number {
    const b = this.b;
    let escaped = false;
    for (let i = this.i; i < this.n; i++) {
      const c = b[i]!;
      if (c === QUOTE) {
        this.i = i + 1;
        return escaped ? -i - 1 : i;
      }
      if (c === BACKSLASH) {
        escaped = true;
        const e = b[++i];
        if (e === 0x75) {
          for (let h = 0; h < 4; h++) if (!isHex(b[++i])) throw giveUp;
        } else if (!(e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74)) throw giveUp;
      } else if (c < 0x20) throw giveUp;
    }
    throw giveUp;
  }

  /** The string whose content began at `start` and whose stringEnd() was `end`. */
  decode(start: number, end: number): string {
    if (end >= 0) return this.b.toString('utf8', start, end);
    // Escapes: JSON.parse decodes the literal, quotes included.
    return JSON.parse(this.b.toString('utf8', start - 1, -end)) as string;
  }

  /** A string value, or null for `null`; anything else gives up. */
  stringOrNull(): string | null {
    if (this.peek() === QUOTE) {
      const start = ++this.i;
      return this.decode(start, this.stringEnd());
    }
    this.literal(K.null);
    return null;
  }

  /** Like stringOrNull, but an ASCII value seen before in this answer is the same string, not a new one. */
  text(): string | null {
    if (this.peek() !== QUOTE) {
      this.literal(K.null);
      return null;
    }
    const start = ++this.i;
    const end = this.stringEnd();
    if (end < 0) return this.decode(start, end);
    const b = this.b;
    const hash = asciiHash(b, start, end);
    if (hash < 0) return this.decode(start, end);
    const known = this.interned.get(hash);
    if (known !== undefined && known.length === end - start) {
      let same = true;
      for (let j = 0; j < known.length; j++) {
        if (known.charCodeAt(j) !== b[start + j]) {
          same = false;
          break;
        }
      }
      if (same) return known;
    }
    const made = this.decode(start, end);
    if (known === undefined && this.interned.size < MAX_INTERNED) this.interned.set(hash, made);
    return made;
  }

  /** A status: the known ones matched in place; anything else as normaliseStatus reads it. */
  status(): GraphStatus {
    if (this.peek() !== QUOTE) {
      this.literal(K.null);
      return 'unknown';
    }
    const start = ++this.i;
    const end = this.stringEnd();
    for (const [name, status] of STATUSES) if (this.rangeIs(start, end, name)) return status;
    return normaliseStatus(this.decode(start, end));
  }

  literal(word: Uint8Array): void {
    if (!this.rangeIs(this.i, this.i + word.length, word)) throw giveUp;
    this.i += word.length;
  }

  /** true, false, or null (as undefined); anything else gives up. */
  booleanOrNull(): boolean | undefined {
    const c = this.peek();
    if (c === 0x74) return this.literal(K.true), true;
    if (c === 0x66) return this.literal(K.false), false;
    this.literal(K.null);
    return undefined;
  }

  /** Any JSON value, checked and passed over. */
  skip(depth: number): void {
    if (depth > MAX_DEPTH) throw giveUp;
    const c = this.peek();
    if (c === QUOTE) {
      this.i++;
      this.stringEnd();
    } else if (c === OPEN_OBJECT) {
      if (!this.openObject()) return;
      do {
        // Any key, escapes included: it is not looked at.
        this.expect(QUOTE);
        this.stringEnd();
        this.expect(COLON);
        this.skip(depth + 1);
      } while (this.more(CLOSE_OBJECT));
    } else if (c === OPEN_ARRAY) {
      this.i++;
      if (this.peek() === CLOSE_ARRAY) {
        this.i++;
        return;
      }
      do this.skip(depth + 1);
      while (this.more(CLOSE_ARRAY));
    } else if (c === 0x74) this.literal(K.true);
    else if (c === 0x66) this.literal(K.false);
    else if (c === 0x6e) this.literal(K.null);
    else this.number();
  }

  /** A JSON number: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
  number(): void {
    const b = this.b;
    let i = this.i;
    if (b[i] === MINUS) i++;
    if (b[i] === 0x30) i++;
    else if (isDigit(b[i])) while (isDigit(b[i])) i++;
    else throw giveUp;
    if (b[i] === 0x2e) {
      i++;
      if (!isDigit(b[i])) throw giveUp;
      while (isDigit(b[i])) i++;
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (b[i] === 0x2b || b[i] === MINUS) i++;
      if (!isDigit(b[i])) throw giveUp;
      while (isDigit(b[i])) i++;
    }
    this.i = i;
  }

  /** A small value (a mailbox's error) handed to JSON.parse whole. */
  parsed(): unknown {
    this.ws();
    const start = this.i;
    this.skip(1);
    return JSON.parse(this.b.toString('utf8', start, this.i));
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
          this.literal(K.null);
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
      else if (this.keyIs(K.subject)) subject = this.text();
      else if (this.keyIs(K.location)) location = this.text();
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
      this.literal(K.null);
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

/** FNV-1a of the bytes b[from, to) as a non-negative number, or -1 when any of them is not ASCII. */
function asciiHash(b: Uint8Array, from: number, to: number): number {
  let hash = 0x811c9dc5;
  for (let j = from; j < to; j++) {
    const c = b[j]!;
    if (c >= 0x80) return -1;
    hash = Math.imul(hash ^ c, 0x01000193);
  }
  return hash >>> 0;
}

const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
const isHex = (c: number | undefined) => c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));

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
