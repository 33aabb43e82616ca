// The JSON byte cursor on its own: each reader step on hand-picked texts, and skip() against JSON.parse on
// generated ones (what the cursor passes over, JSON.parse accepts; valid JSON within MAX_DEPTH, it passes over).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiBytes, asciiHash, giveUp, JsonCursor, MAX_DEPTH } from './json-cursor.js';

const cursor = (text: string | Buffer) => {
  const b = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return new JsonCursor(b, b.length);
};
/** Whether `step` gives up (throws the cursor's giveUp, not an Error). */
const givesUp = (step: () => unknown) => {
  try {
    step();
    return false;
  } catch (err) {
    if (err === giveUp) return true;
    throw err;
  }
};
/** The string value at the start of `text`, read by stringOrNull. */
const stringOf = (text: string) => cursor(text).stringOrNull();
/** Whether skip() passes over the whole of `text` (blanks after it allowed). */
const skips = (text: string, depth = 1) => {
  const c = cursor(text);
  if (givesUp(() => c.skip(depth))) return false;
  return c.peek() === -1;
};

describe('JsonCursor strings', () => {
  it('finds the end of a string, flagging one with escapes as -end - 1', () => {
    const plain = cursor('"abc" ');
    plain.i = 1;
    expect(plain.stringEnd()).toBe(4);
    expect(plain.i).toBe(5);
    const escaped = cursor('"a\\"b"');
    escaped.i = 1;
    expect(escaped.stringEnd()).toBe(-5 - 1);
    expect(escaped.i).toBe(6);
  });

  it('decodes every JSON escape and UTF-8 as JSON.parse does', () => {
    for (const text of ['"plain"', '""', '"q\\" b\\\\ s\\/ \\b\\f\\n\\r\\t"', '"\\u00e9\\u00E9 \\ud83d\\ude00"', '"café ☕ 😀"', '"\\u0000"']) {
      expect(stringOf(text), text).toBe(JSON.parse(text));
    }
    expect(stringOf('null')).toBeNull();
  });

  it('gives up on what is not a JSON string', () => {
    for (const text of ['"\\x"', '"\\u12g4"', '"\\u12"', '"a\nb"', '"a\u0001"', '"open', '"ends in \\', "'single'", 'nul', '1', '{}']) {
      expect(givesUp(() => stringOf(text)), JSON.stringify(text)).toBe(true);
    }
  });

  it('interns ASCII strings per cursor, and never escaped or non-ASCII ones', () => {
    const c = cursor('["room 1","room 1","room 2","caf\\u00e9","café",null]');
    c.i = 1;
    const read: (string | null)[] = [];
    do read.push(c.internedStringOrNull());
    while (c.more(0x5d));
    expect(read).toEqual(['room 1', 'room 1', 'room 2', 'café', 'café', null]);
    expect(c.interned.size).toBe(2);
    expect([...c.interned.values()]).toEqual(['room 1', 'room 2']);
  });
});

describe('JsonCursor objects, keys and literals', () => {
  it('iterates an object member by member, comparing keys in place', () => {
    const c = cursor(' { "a" : 1 , "bc":[true] }  ');
    expect(c.openObject()).toBe(true);
    c.key();
    expect(c.keyIs(asciiBytes('a'))).toBe(true);
    expect(c.keyIs(asciiBytes('ab'))).toBe(false);
    c.skip(1);
    expect(c.more(0x7d)).toBe(true);
    c.key();
    expect(c.keyIs(asciiBytes('bc'))).toBe(true);
    c.skip(1);
    expect(c.more(0x7d)).toBe(false);
    expect(c.peek()).toBe(-1);
    expect(cursor('{ }').openObject()).toBe(false);
  });

  it('gives up on an escaped key (it could spell a known one), a missing colon or comma, and a non-object', () => {
    const escapedKey = cursor('{"\\u0061":1}');
    escapedKey.openObject();
    expect(givesUp(() => escapedKey.key())).toBe(true);
    const noColon = cursor('{"a" 1}');
    noColon.openObject();
    expect(givesUp(() => noColon.key())).toBe(true);
    const noComma = cursor('{"a":1 "b":2}');
    noComma.openObject();
    noComma.key();
    noComma.skip(1);
    expect(givesUp(() => noComma.more(0x7d))).toBe(true);
    expect(givesUp(() => cursor('[1]').openObject())).toBe(true);
  });

  it('reads true, false and null, and gives up on anything else', () => {
    expect(cursor(' true').booleanOrNull()).toBe(true);
    expect(cursor('false').booleanOrNull()).toBe(false);
    expect(cursor('null').booleanOrNull()).toBeUndefined();
    for (const text of ['tru', 'True', 'fals', 'nul', '0', '"true"']) expect(givesUp(() => cursor(text).booleanOrNull()), text).toBe(true);
  });

  it('hands a value to JSON.parse whole and moves past it', () => {
    const c = cursor(' {"message":"x","n":[1,{"m":null}]} ,');
    expect(c.parsed()).toEqual({ message: 'x', n: [1, { m: null }] });
    expect(c.peek()).toBe(0x2c);
  });
});

describe('JsonCursor numbers', () => {
  it('passes over JSON numbers, stopping at the first byte that is not part of one', () => {
    for (const [text, end] of [['0', 1], ['-0', 2], ['7', 1], ['123', 3], ['-12.5', 5], ['1e9', 3], ['1E+9', 4], ['2.5e-10', 7], ['0.0', 3], ['01', 1], ['1]', 1]] as const) {
      const c = cursor(text);
      c.number();
      expect(c.i, text).toBe(end);
    }
  });

  it('gives up on what is not a JSON number', () => {
    for (const text of ['-', '+1', '.5', '1.', '1.e2', '1e', '1e+', '-e1', 'x', '']) expect(givesUp(() => cursor(text).number()), JSON.stringify(text)).toBe(true);
  });
});

describe('JsonCursor.skip', () => {
  it('passes over nested values, any key included, and stops right after the value', () => {
    const text = '{"a\\u0062":[1,-2.5e3,"s\\"",{"":{}},[],true,false,null],"b":{"c":[{"d":[]}]}}';
    expect(skips(text)).toBe(true);
    const c = cursor(`${text}, 1`);
    c.skip(1);
    expect(c.i).toBe(Buffer.byteLength(text));
  });

  it('goes MAX_DEPTH deep and gives up one level deeper', () => {
    const arrays = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const objects = (n: number) => '{"k":'.repeat(n - 1) + '{}' + '}'.repeat(n - 1);
    expect(skips(arrays(MAX_DEPTH))).toBe(true);
    expect(skips(arrays(MAX_DEPTH + 1))).toBe(false);
    expect(skips(objects(MAX_DEPTH))).toBe(true);
    expect(skips(objects(MAX_DEPTH + 1))).toBe(false);
    // A scalar counts as a level, and the depth a caller starts at counts too.
    expect(skips(`${'['.repeat(MAX_DEPTH - 1)}1${']'.repeat(MAX_DEPTH - 1)}`)).toBe(true);
    expect(skips(`${'['.repeat(MAX_DEPTH)}1${']'.repeat(MAX_DEPTH)}`)).toBe(false);
    expect(skips(arrays(MAX_DEPTH - 1), 2)).toBe(true);
    expect(skips(arrays(MAX_DEPTH), 2)).toBe(false);
  });

  it('gives up on malformed values', () => {
    for (const text of ['', '[1,]', '[1 2]', '{"a":1,}', '{"a"}', '{a:1}', '{"a":1', '[', '"x', 'undefined', 'NaN', '[01]', '{"a":1]', '[1}']) {
      expect(skips(text), JSON.stringify(text)).toBe(false);
    }
  });

  it('passes over every JSON value within the depth limit, as JSON.parse accepts it', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom(undefined, 0, 2, '\t', ' \r\n'), (value, indent) => {
        expect(skips(JSON.stringify(value, null, indent))).toBe(true);
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('passes over nothing JSON.parse rejects (damaged JSON, any byte anywhere)', () => {
    const damaged = fc.tuple(fc.jsonValue({ maxDepth: 4 }), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('replace', 'cut', 'insert')).map(([value, at, byte, how]) => {
      const b = Buffer.from(JSON.stringify(value), 'utf8');
      const i = at % (b.length + 1);
      if (how === 'cut') return b.subarray(0, i);
      if (how === 'insert') return Buffer.concat([b.subarray(0, i), Buffer.of(byte), b.subarray(i)]);
      const copy = Buffer.from(b);
      if (i < copy.length) copy[i] = byte;
      return copy;
    });
    fc.assert(
      fc.property(damaged, (bytes) => {
        const c = cursor(bytes);
        const passed = !givesUp(() => c.skip(1)) && c.peek() === -1;
        let parses = true;
        try {
          JSON.parse(bytes.toString('utf8'));
        } catch {
          parses = false;
        }
        if (passed) expect(parses).toBe(true);
      }),
      { seed: 8, numRuns: 2000 },
    );
  });
});

describe('asciiHash', () => {
  it('is FNV-1a over ASCII bytes, and -1 when any byte is not ASCII', () => {
    // FNV-1a 32-bit of "" and "a" (the offset basis, and its published value for "a").
    expect(asciiHash(asciiBytes(''), 0, 0)).toBe(0x811c9dc5);
    expect(asciiHash(asciiBytes('a'), 0, 1)).toBe(0xe40c292c);
    const b = Buffer.from('xaéy', 'utf8');
    expect(asciiHash(b, 1, 2)).toBe(0xe40c292c);
    expect(asciiHash(b, 0, b.length)).toBe(-1);
    expect(asciiHash(asciiBytes('ab'), 0, 2)).not.toBe(asciiHash(asciiBytes('ba'), 0, 2));
  });
});
