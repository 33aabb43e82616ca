// Utf8Answer: the bytes of the pieces are the UTF-8 of everything added, whatever the piece boundaries.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Utf8Answer } from './xml-writer.js';

describe('Utf8Answer', () => {
  it('gives exactly the UTF-8 of the concatenation, across piece boundaries and split surrogate pairs', () => {
    const big = fc.string({ unit: 'binary', minLength: 1, maxLength: 40_000 });
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: 'binary' }), big, fc.constantFrom('😀', '\ud83d', '\ude00', 'x'.repeat(70_000))), { maxLength: 12 }), (parts) => {
        const out = new Utf8Answer();
        for (const p of parts) out.add(p);
        expect(out.bytes().equals(Buffer.from(parts.join(''), 'utf8'))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps a pair whose high half ends a full piece', () => {
    const out = new Utf8Answer();
    out.add(`${'a'.repeat(64 * 1024 - 1)}\ud83d`);
    out.add('\ude00!');
    expect(out.bytes().toString('utf8').endsWith('😀!')).toBe(true);
  });
});
