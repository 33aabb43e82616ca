// The error catalog against its docs (both ways, as fastify checks docs/Reference/Errors.md) and against the code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS, type ErrorCode } from '../src/errors/index.js';
import { ERRORS_DOC, renderErrorsDoc } from '../src/errors/docs.js';
import { MAX_MAILBOXES, MAX_MERGED_INTERVAL_MINUTES, MAX_WINDOW_DAYS, MIN_MERGED_INTERVAL_MINUTES } from '../src/limits.js';

const doc = readFileSync(ERRORS_DOC, 'utf8');
const codes = Object.keys(ERRORS) as ErrorCode[];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.includes(join('src', 'errors')) ? [path] : [];
  });
}
const code = sources('src').map((p) => readFileSync(p, 'utf8')).join('\n');

describe('the error catalog', () => {
  it('has docs/errors.md exactly as generated (run npm run docs:errors after changing the catalog)', () => {
    expect(doc).toBe(renderErrorsDoc());
  });

  it('documents every catalog entry, and documents nothing the catalog lacks', () => {
    const documented = [...doc.matchAll(/^### (\S+)$/gm)].map((m) => m[1]!);
    expect(codes.filter((c) => !documented.includes(c)), 'in the catalog, not in docs/errors.md').toEqual([]);
    expect(documented.filter((c) => !(codes as string[]).includes(c)), 'in docs/errors.md, not in the catalog').toEqual([]);
    expect(new Set(documented).size).toBe(documented.length);
  });

  it('has no entry that nothing in src/ can emit', () => {
    const emitted = (c: ErrorCode) => {
      const entry = ERRORS[c];
      if (code.includes(`'${c}'`) || code.includes(`ERRORS.${c}`)) return true;
      // Parsers name faults and /token names OAuth errors by their protocol codes.
      if (entry.surface === 'soap') return code.includes(`EwsFault('${entry.wire}'`);
      if (entry.surface === 'oauth') return code.includes(`OAuthError('${entry.wire}'`);
      // Fastify's own errors reach the edge entries by status (see toWire).
      return false;
    };
    const library = new Set<ErrorCode>(['EDGE_TOO_LARGE', 'EDGE_BAD_REQUEST', 'EDGE_INTERNAL', 'EWS_INTERNAL', 'OAUTH_SERVER_ERROR']);
    expect(codes.filter((c) => !library.has(c) && !emitted(c))).toEqual([]);
  });

  it('gives each per-mailbox, SOAP and OAuth entry its protocol code, unique where the code selects the entry', () => {
    for (const c of codes) {
      const entry = ERRORS[c];
      if (entry.surface !== 'edge') expect(entry.wire, c).toMatch(/^[A-Za-z_]+$/);
      if (entry.ews) expect(ERRORS[entry.ews.fault as ErrorCode].surface, c).toBe('soap');
    }
    const faults = codes.filter((c) => ERRORS[c].surface === 'soap').map((c) => ERRORS[c].wire);
    expect(new Set(faults).size).toBe(faults.length);
  });

  it('builds messages that name a limit from the limit constants', () => {
    expect(ERRORS.EWS_MAILBOX_ARRAY_TOO_BIG.message).toContain(String(MAX_MAILBOXES));
    expect(ERRORS.WINDOW_TOO_LONG.message).toContain(String(MAX_WINDOW_DAYS));
    expect(ERRORS.EWS_INVALID_MERGED_INTERVAL.message).toContain(`${MIN_MERGED_INTERVAL_MINUTES} and ${MAX_MERGED_INTERVAL_MINUTES}`);
    // No limit spelt out as a literal in the catalog's source: it would go stale when the constant changes.
    const source = readFileSync('src/errors/catalog.ts', 'utf8');
    const limits = [MAX_MAILBOXES, MAX_WINDOW_DAYS, MAX_MERGED_INTERVAL_MINUTES].map(String);
    const literals = [...source.matchAll(/'([^'\n]*)'/g)].map((m) => m[1]!);
    expect(literals.filter((l) => limits.some((n) => new RegExp(`\\b${n}\\b`).test(l)))).toEqual([]);
  });

  it('keeps internal errors\' text inside the process', () => {
    for (const c of ['EWS_INTERNAL', 'OAUTH_SERVER_ERROR', 'EDGE_INTERNAL'] as const) expect(ERRORS[c].exposesDetail).toBe(false);
  });
});
