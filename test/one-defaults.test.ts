// One source of defaults: the schema. Configurations (the loader's and the tests') are frozen, and no module in src/
// keeps a default of its own: no DEFAULT_ constant for a setting, no `config.<setting> ?? <literal>` fallback.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { configFrom } from '../src/config/test-support.js';
import { testConfig } from './support/app.js';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && e.name !== 'test-support.ts' ? [path] : [];
  });
}

/** `const DEFAULT_X` / `const X_DEFAULTS`: a second home for default values. */
const defaultConstant = /\b(?:const|let|var)\s+(DEFAULT_\w+|\w+_DEFAULTS?)\b/;
/** `config.a.b ?? <literal>` (also `effective.`, the relay's name for it, and `?.` chains): a default beside the schema's. */
const literalFallback = /\b(?:config|effective)(?:\??\.\w+)+\s*\?\?\s*(?:-?\d|true\b|false\b|null\b|['"`[{])/;

/** Known, justified exceptions, by file and the text they contain. */
const ALLOWED: { file: string; text: string; why: string }[] = [
  { file: 'auth/password-hash.ts', text: 'DEFAULT_SCRYPT', why: 'scrypt cost of `npm run hash-password`, not a setting' },
  {
    file: 'http/app.ts',
    text: "config.server.publicUrl ?? 'calendar-relay'",
    why: 'the token issuer without a public URL; publicUrl has no default because unset means "not known" to the doctor and the credentials command',
  },
];

function offenders(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const name = relative(SRC, file).split('\\').join('/');
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
        if (!defaultConstant.test(code) && !literalFallback.test(code)) return;
        if (ALLOWED.some((a) => a.file === name && code.includes(a.text))) return;
        found.push(`${name}:${i + 1}: ${line.trim()}`);
      });
  }
  return found;
}

describe('defaults in src/', () => {
  it('live only in the schema: no DEFAULT_ constants, no `config.<setting> ?? <literal>` fallbacks', () => {
    expect(offenders()).toEqual([]);
  });

  it('the scan sees what it looks for', () => {
    // A guard on the guard: each pattern matches the forms removed from src/, and leaves ordinary code alone.
    for (const line of [
      'export const DEFAULT_SCALE: GraphScale = { maxConcurrentPerMailbox: 4 };',
      'export const EDGE_DEFAULTS = {',
      'const DEFAULT_CACHE = x;',
    ]) expect(defaultConstant.test(line), line).toBe(true);
    for (const line of [
      'graphRecentMs: effective.readiness?.graphRecentMs ?? 300_000,',
      'if ((config.metrics?.enabled ?? true) && x) {',
      'const graceMs = config.shutdown?.graceMs ?? 10_000;',
      "const level = config.log.level ?? 'info';",
      'const list = relay.config.domains ?? [];',
    ]) expect(literalFallback.test(line), line).toBe(true);
    for (const line of [
      'const graceMs = config.shutdown.graceMs;',
      'const now = options.now ?? systemClock;',
      'const access = config.access;',
      'const t = config.tls ?? fallbackTls;',
      'const defaults = schema.parse({});',
    ]) expect(defaultConstant.test(line) || literalFallback.test(line), line).toBe(false);
  });

  it('has no stale exceptions', () => {
    for (const a of ALLOWED) expect(readFileSync(join(SRC, a.file), 'utf8'), `${a.file}: ${a.why}`).toContain(a.text);
  });
});

describe('a test configuration', () => {
  it('is what the loader makes of the same settings', () => {
    expect(configFrom()).toEqual(loadConfig({ argv: [], env: {} }));
    const raw = { cache: { ttlSeconds: 5 }, log: { level: 'silent' as const } };
    expect(configFrom(raw)).toEqual(loadConfig({ argv: [], env: { CACHE_TTL_SECONDS: '5', LOG_LEVEL: 'silent' } }));
  });

  it('has every section, with the schema defaults', () => {
    const config = configFrom();
    expect(config.graphScale).toEqual({ maxConcurrentPerMailbox: 4, connectTimeoutMs: 3_000, breakerFailures: 5, breakerCooldownMs: 30_000, secretCheckMs: 1_000 });
    expect(config.readiness).toEqual({ graphRecentMs: 300_000, tokenTimeoutMs: 3_000 });
    expect(config.shutdown).toEqual({ graceMs: 10_000 });
    expect(config.metrics).toEqual({ enabled: true });
    expect(config.cache.ttlSeconds).toBe(60);
    expect(config.concurrency.maxLookups).toBe(64);
  });

  it('rejects mutation, at every depth', () => {
    const config = testConfig({ access: { trustedProxies: ['10.0.0.0/8'] } });
    expect(() => {
      (config as { demo: boolean }).demo = true;
    }).toThrow(TypeError);
    expect(() => {
      (config.cache as { ttlSeconds: number }).ttlSeconds = 0;
    }).toThrow(TypeError);
    expect(() => config.access.trustedProxies.push('0.0.0.0/0')).toThrow(TypeError);
    expect(() => {
      (config.tenants[0] as { clientSecret?: string }).clientSecret = 'other';
    }).toThrow(TypeError);
    expect(() => {
      (config.google.clients[0] as { clientSecret: string }).clientSecret = 'other';
    }).toThrow(TypeError);
    expect(config.access.trustedProxies).toEqual(['10.0.0.0/8']);
    expect(config.cache.ttlSeconds).toBe(60);
  });

  it('refuses what the loader refuses', () => {
    expect(() => configFrom({ cache: { ttlSeconds: -1 } })).toThrow(/cache\.ttlSeconds/);
    expect(() => configFrom({ domains: [{ name: 'example.com' }] })).toThrow(/no tenant is configured/);
  });
});
