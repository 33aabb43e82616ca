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
 * its size, as a string's encoding did), and one that outgrows it moves to buffers of its own.
 */
const SCRATCH = Buffer.allocUnsafe(64 * 1024);
let scratchTaken = false;

/**
 * An answer written as UTF-8 bytes. A large answer (100 mailboxes over 62 days: 13 MB, ~30,000 events) built
 * as a JavaScript string was a rope of ~200,000 pieces: it survived garbage collections while it grew, and was
 * flattened and encoded at the end. Here fixed fragments are copied as bytes made once, text is encoded where
 * it lands, and nothing of the answer lives on the JavaScript heap. Fill it and take result() without
 * awaiting in between.
 */
export class AnswerWriter {
  #buf: Buffer;
  #pos = 0;
  #shared: boolean;

  constructor() {
    this.#shared = !scratchTaken;
    this.#buf = this.#shared ? SCRATCH : Buffer.allocUnsafe(16 * 1024);
    scratchTaken = true;
  }

  #room(bytes: number): void {
    if (this.#pos + bytes <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#pos + bytes));
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#release();
    this.#buf = next;
  }

  #release(): void {
    if (this.#shared) scratchTaken = false;
    this.#shared = false;
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

  /** The answer; the writer is done with. */
  result(): Buffer {
    if (!this.#shared) return this.#buf.subarray(0, this.#pos);
    const out = Buffer.from(this.#buf.subarray(0, this.#pos));
    this.#release();
    return out;
  }
}

/** A fixed fragment's UTF-8, for AnswerWriter.bytes(). */
export const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
