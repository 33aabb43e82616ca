// Minimal XML text builder for the responses the relay writes. Hand-written because responses are small,
// fixed-shape and on the hot path: string concatenation with escaping beats a DOM serializer here.

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

// XML 1.0 forbids most C0 controls even when escaped; Graph data may contain them, so they are dropped.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// One non-global test first: most text (times, codes, digits, plain subjects) needs no change at all.
// eslint-disable-next-line no-control-regex
const NEEDS_WORK = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/;

/** Escapes text or attribute content and removes characters XML cannot carry. */
export function escapeXml(value: string): string {
  if (!NEEDS_WORK.test(value)) return value;
  return value.replace(FORBIDDEN, '').replace(/[&<>"']/g, (c) => TEXT_ESCAPES[c] ?? c);
}

/** `<name attr="v">text</name>` with escaped text; empty text gives `<name/>`. */
export function textElement(name: string, text: string | number | boolean, attrs?: Record<string, string>): string {
  const t = typeof text === 'string' ? escapeXml(text) : String(text);
  const a = attrs ? attributes(attrs) : '';
  return t === '' ? `<${name}${a}/>` : `<${name}${a}>${t}</${name}>`;
}

/** `<name attr="v">children</name>`; children are already-serialised XML. */
export function element(name: string, children: string | string[], attrs?: Record<string, string>): string {
  const inner = Array.isArray(children) ? children.join('') : children;
  const a = attrs ? attributes(attrs) : '';
  return inner === '' ? `<${name}${a}/>` : `<${name}${a}>${inner}</${name}>`;
}

function attributes(attrs: Record<string, string>): string {
  let out = '';
  for (const [k, v] of Object.entries(attrs)) out += ` ${k}="${escapeXml(v)}"`;
  return out;
}

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  messages: 'http://schemas.microsoft.com/exchange/services/2006/messages',
  types: 'http://schemas.microsoft.com/exchange/services/2006/types',
  errors: 'http://schemas.microsoft.com/exchange/services/2006/errors',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
} as const;

/**
 * Where answers are written first. Writers are filled and read synchronously, so one buffer serves them all in
 * turn; an answer that fits is copied out at its exact size (an answer of a few KB then costs one allocation of
 * its size, as a string's encoding did). Owned by whoever makes the writers (the EWS handler, one per app): a
 * writer takes it when made and gives it back in result() or release(), whichever comes first.
 */
export class ScratchBuffer {
  readonly #buf = Buffer.allocUnsafe(64 * 1024);
  #taken = false;

  /** The buffer, or undefined while a writer holds it. */
  take(): Buffer | undefined {
    if (this.#taken) return undefined;
    this.#taken = true;
    return this.#buf;
  }

  give(buf: Buffer): void {
    if (buf === this.#buf) this.#taken = false;
  }

  get taken(): boolean {
    return this.#taken;
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * An answer that outgrows the scratch buffer goes on in chunks of this size, and leaves as those chunks: the
 * HTTP layer sends them in order. Growing one buffer by doubling allocated twice the answer's size outside the
 * heap (32 MB for a 13 MB answer); joining the chunks into one buffer at the end cost a copy of the whole answer
 * (13 ms of a 100-mailbox, 62-day lookup, most of it faulting in fresh pages) and as much memory again.
 */
const CHUNK = 256 * 1024;

/**
 * An answer written as UTF-8 bytes. A large answer (100 mailboxes over 62 days: 13 MB, ~30,000 events) built
 * as a JavaScript string was a rope of ~200,000 pieces: it survived garbage collections while it grew, and was
 * flattened and encoded at the end. Here fixed fragments are copied as bytes made once, text is encoded where
 * it lands, and nothing of the answer lives on the JavaScript heap. Fill it and take result() without
 * awaiting in between; call release() in a `finally`, so a writer abandoned by an exception gives the scratch
 * buffer back.
 */
export class AnswerWriter {
  /** The buffer being filled: the scratch buffer, then chunks. */
  #buf: Buffer;
  #pos = 0;
  /** Filled buffers before #buf, each with the length written. */
  readonly #full: { buf: Buffer; length: number }[] = [];
  readonly #scratch: ScratchBuffer | undefined;
  /** The scratch buffer while this writer holds it. */
  #held: Buffer | undefined;

  /** Without a scratch buffer, or while another writer holds it, the writer starts with a chunk of its own. */
  constructor(scratch?: ScratchBuffer) {
    this.#scratch = scratch;
    this.#held = scratch?.take();
    this.#buf = this.#held ?? Buffer.allocUnsafeSlow(CHUNK);
  }

  /** Gives the scratch buffer back (idempotent). What was written into it is lost unless result() came first. */
  release(): void {
    if (this.#held) this.#scratch?.give(this.#held);
    this.#held = undefined;
  }

  #room(bytes: number): void {
    if (this.#pos + bytes <= this.#buf.length) return;
    this.#full.push({ buf: this.#buf, length: this.#pos });
    this.#buf = Buffer.allocUnsafeSlow(Math.max(CHUNK, bytes));
    this.#pos = 0;
  }

  /** Bytes as they are (UTF-8 made once, by utf8()). */
  bytes(b: Uint8Array): void {
    this.#room(b.length);
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
  }

  /** Text (already escaped XML) encoded as UTF-8. Each call's string is encoded alone: never split a surrogate pair. */
  text(s: string): void {
    this.#room(s.length * 3);
    this.#pos += this.#buf.write(s, this.#pos, 'utf8');
  }

  /**
   * The answer as pieces to send in order, and the writer is done with. An answer that fit in the scratch
   * buffer is one piece of its exact size; a larger one is its chunks, which belong to the answer from now on.
   */
  result(): Buffer[] {
    const pieces = [...this.#full, { buf: this.#buf, length: this.#pos }]
      .filter((p) => p.length > 0)
      // The scratch buffer serves the next answer: its part is copied out.
      .map(({ buf, length }) => (buf === this.#held ? Buffer.from(buf.subarray(0, length)) : buf.subarray(0, length)));
    this.release();
    this.#full.length = 0;
    this.#buf = EMPTY;
    this.#pos = 0;
    return pieces.length > 0 ? pieces : [EMPTY];
  }
}

/**
 * Writes one answer with `fill` into a writer on `scratch`, and gives the scratch buffer back however `fill`
 * ends: an exception between taking it and result() would otherwise leave it taken for good, and every later
 * answer would start in (and pin) a 256 KB chunk of its own.
 */
export function writeAnswer(scratch: ScratchBuffer, fill: (out: AnswerWriter) => void): Buffer[] {
  const out = new AnswerWriter(scratch);
  try {
    fill(out);
    return out.result();
  } finally {
    out.release();
  }
}

/** A fixed fragment's UTF-8, for AnswerWriter.bytes(). */
export const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
