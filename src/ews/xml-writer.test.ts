// AnswerWriter: the bytes are those of every fragment and text written, in order, whatever the growth steps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnswerWriter, ScratchBuffer, utf8, writeAnswer } from './xml-writer.js';

describe('AnswerWriter', () => {
  it('holds exactly the UTF-8 of what was written, across growth of its buffer', () => {
    type Piece = { kind: 'text'; s: string } | { kind: 'bytes'; b: Buffer };
    const text = (s: string): Piece => ({ kind: 'text', s });
    const piece: fc.Arbitrary<Piece> = fc.oneof(
      fc.string({ unit: 'binary' }).map(text),
      fc.string({ unit: 'grapheme', maxLength: 30_000 }).map(text),
      fc.string({ unit: 'binary', maxLength: 200 }).map((s): Piece => ({ kind: 'bytes', b: utf8(s) })),
      fc.constantFrom(text('😀'), text('\ud83d'), { kind: 'bytes', b: utf8('x'.repeat(70_000)) }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (pieces) => {
        const out = new AnswerWriter();
        for (const p of pieces) {
          if (p.kind === 'text') out.text(p.s);
          else out.bytes(p.b);
        }
        const expected = Buffer.concat(pieces.map((p) => (p.kind === 'text' ? Buffer.from(p.s, 'utf8') : p.b)));
        expect(Buffer.concat(out.result()).equals(expected)).toBe(true);
      }),
      { seed: 43, numRuns: 300 },
    );
  });

  it('gives each of two writers open at once its own bytes', () => {
    const scratch = new ScratchBuffer();
    const a = new AnswerWriter(scratch);
    const b = new AnswerWriter(scratch);
    a.text('first');
    b.text('second');
    a.text(' one');
    expect(Buffer.concat(b.result()).toString()).toBe('second');
    expect(Buffer.concat(a.result()).toString()).toBe('first one');
    const c = new AnswerWriter(scratch);
    c.text('third');
    expect(Buffer.concat(c.result()).toString()).toBe('third');
  });

  it('grows past its first buffer in one step for a long text', () => {
    const out = new AnswerWriter();
    out.text('é'.repeat(100_000));
    expect(Buffer.concat(out.result()).toString('utf8')).toBe('é'.repeat(100_000));
  });

  it('gets the scratch buffer back from a writer abandoned by an exception, so later answers do not pin a chunk', () => {
    const scratch = new ScratchBuffer();
    expect(() =>
      writeAnswer(scratch, (out) => {
        out.text('<half an answer');
        throw new Error('writing failed');
      }),
    ).toThrow('writing failed');
    expect(scratch.taken).toBe(false);
    for (let i = 0; i < 3; i++) {
      const [piece, ...more] = writeAnswer(scratch, (out) => out.text(`<a n="${i}"/>`));
      expect(more).toEqual([]);
      expect(piece!.toString()).toBe(`<a n="${i}"/>`);
      // Copied out of the scratch buffer at its size, not a view into a 256 KB chunk of its own.
      expect(piece!.buffer.byteLength).toBeLessThan(64 * 1024);
    }
    expect(scratch.taken).toBe(false);
    // release() is what a writer's owner calls in `finally`; it is harmless after result().
    const w = new AnswerWriter(scratch);
    expect(scratch.taken).toBe(true);
    w.release();
    w.release();
    expect(scratch.taken).toBe(false);
  });

  it('writes a small answer as one piece of its exact size, and nothing as one empty piece', () => {
    const out = new AnswerWriter(new ScratchBuffer());
    out.text('<a>');
    out.bytes(utf8('é</a>'));
    const pieces = out.result();
    expect(pieces).toHaveLength(1);
    expect(pieces[0]!.toString()).toBe('<a>é</a>');
    expect(pieces[0]!.buffer.byteLength).toBeLessThan(64 * 1024);
    expect(new AnswerWriter().result().map((p) => p.length)).toEqual([0]);
  });

  it('writes an answer of many chunks at its exact size, untouched by the answers written after it', () => {
    const write = (seed: string) => {
      const out = new AnswerWriter();
      const expected: Buffer[] = [];
      for (let i = 0; i < 12_000; i++) {
        const fragment = utf8(`<t:E n="${i}">`);
        const s = `${seed} ${i} ☕ `.repeat(1 + (i % 7));
        out.bytes(fragment);
        out.text(s);
        expected.push(fragment, Buffer.from(s, 'utf8'));
      }
      const pieces = out.result();
      expect(pieces.length).toBeGreaterThan(3);
      return { got: Buffer.concat(pieces), expected: Buffer.concat(expected) };
    };
    const first = write('first');
    const second = write('second');
    expect(first.expected.length).toBeGreaterThan(3 * 256 * 1024);
    expect(first.got.length).toBe(first.expected.length);
    expect(first.got.equals(first.expected)).toBe(true);
    expect(second.got.equals(second.expected)).toBe(true);
  });
});
