// A cursor over the bytes of one JSON text, and nothing about any document's shape: whitespace, objects and arrays
// member by member, keys compared in place, strings (where they end, decoded, or interned), literals, booleans,
// numbers, and any value checked and passed over down to MAX_DEPTH. A reader of one shape (schedule-scan.ts)
// extends it and says what to read where: a subclass, not callbacks or a token stream, so the hot path has no
// per-value objects and its calls stay monomorphic.
//
// It checks what it passes over as JSON.parse would, but it never explains: anything it does not expect (a
// syntax error, a value of another type than asked for, nesting deeper than MAX_DEPTH) throws `giveUp`, and the
// owner of the cursor catches that and falls back to JSON.parse, which accepts or rejects the text and names the
// problem.

export const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
/**
 * How deep skip() goes. Deeper than anything in a getSchedule answer; unknown fields nested further make the reader
 * give up (which also bounds the recursion).
 */
export const MAX_DEPTH = 32;

/** Thrown inside a cursor to give up; never leaves the module that owns the cursor, which catches it. */
class GiveUp {}
export const giveUp = new GiveUp();

/**
 * Distinct strings a cursor remembers for internedStringOrNull (subjects and locations, in a getSchedule answer:
 * meetings repeat across attendees and days).
 */
const MAX_INTERNED = 4096;

/** The bytes of an ASCII string (one byte per UTF-16 unit: for constant names only). */
export const asciiBytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
/** The three JSON literals. */
export const LITERAL = {
  true: asciiBytes('true'),
  false: asciiBytes('false'),
  null: asciiBytes('null'),
};

export class JsonCursor {
  i = 0;
  /** ASCII strings already made by internedStringOrNull, by FNV-1a hash of their bytes. */
  readonly interned = new Map<number, string>();
  /** Where the last key read lies: [keyStart, keyEnd). */
  keyStart = 0;
  keyEnd = 0;
  constructor(
    readonly b: Buffer,
    readonly n: number,
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
    this.literal(LITERAL.null);
    return null;
  }

  /** Like stringOrNull, but an ASCII value seen before in this text is the same string, not a new one. */
  internedStringOrNull(): string | null {
    if (this.peek() !== QUOTE) {
      this.literal(LITERAL.null);
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

  literal(word: Uint8Array): void {
    if (!this.rangeIs(this.i, this.i + word.length, word)) throw giveUp;
    this.i += word.length;
  }

  /** true, false, or null (as undefined); anything else gives up. */
  booleanOrNull(): boolean | undefined {
    const c = this.peek();
    if (c === 0x74) return this.literal(LITERAL.true), true;
    if (c === 0x66) return this.literal(LITERAL.false), false;
    this.literal(LITERAL.null);
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
    } else if (c === 0x74) this.literal(LITERAL.true);
    else if (c === 0x66) this.literal(LITERAL.false);
    else if (c === 0x6e) this.literal(LITERAL.null);
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

  /** A small value handed to JSON.parse whole (checked and passed over first, so it is one value). */
  parsed(): unknown {
    this.ws();
    const start = this.i;
    this.skip(1);
    return JSON.parse(this.b.toString('utf8', start, this.i));
  }
}

/** FNV-1a of the bytes b[from, to) as a non-negative number, or -1 when any of them is not ASCII. */
export function asciiHash(b: Uint8Array, from: number, to: number): number {
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
