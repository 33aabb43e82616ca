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

/** Characters gathered before they are encoded into one piece of the answer. */
const PIECE_CHARS = 64 * 1024;

/**
 * An answer gathered as UTF-8 bytes, a piece of about PIECE_CHARS characters at a time. A large answer (100
 * mailboxes over 62 days: 13 MB) then never exists as one JavaScript string: built as a rope, it survived
 * garbage collections while it grew and was copied and promoted by each, then flattened and encoded whole. The
 * pieces are Buffers, outside the JavaScript heap; a small answer is still encoded once.
 */
export class Utf8Answer {
  #pending = '';
  readonly #pieces: Buffer[] = [];

  add(xml: string): void {
    this.#pending += xml;
    // Never between the halves of a surrogate pair: each would be encoded as U+FFFD.
    if (this.#pending.length >= PIECE_CHARS && !isHighSurrogate(this.#pending.charCodeAt(this.#pending.length - 1))) {
      this.#pieces.push(Buffer.from(this.#pending, 'utf8'));
      this.#pending = '';
    }
  }

  bytes(): Buffer {
    const last = Buffer.from(this.#pending, 'utf8');
    this.#pending = '';
    return this.#pieces.length === 0 ? last : Buffer.concat([...this.#pieces, last]);
  }
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
