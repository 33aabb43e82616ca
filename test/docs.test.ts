// The docs a newcomer follows: links resolve, commands exist, and the operations guide matches the code.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { USAGE } from '../src/cli/commands.js';
import { GOOGLE_MESSAGES } from '../src/cli/doctor/report.js';
import { METRIC_PREFIX, RelayMetrics } from '../src/observability/metrics.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const docs = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter((f) => f.endsWith('.md'));
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');

describe('README and docs', () => {
  it('link only to files that exist', () => {
    for (const file of docs) {
      for (const m of read(file).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        expect(existsSync(join(ROOT, dirname(file), target)), `${file} -> ${target}`).toBe(true);
      }
    }
  });

  it('show npm scripts and commands that exist', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const file of docs) {
      for (const m of read(file).matchAll(/npm run (?:-s |--silent )?([\w:-]+)/g)) expect(scripts[m[1]!], `${file}: npm run ${m[1]}`).toBeDefined();
      for (const m of read(file).matchAll(/calendar-relay(?: --)? (serve|credentials|doctor|lookup|[a-z]+)\b/g)) {
        if (['relay', 'demo', 'on', 'is', 'in', 'at', 'commands', 'once'].includes(m[1]!)) continue; // prose, not a command
        expect(USAGE, `${file}: calendar-relay ${m[1]}`).toContain(`  ${m[1]}`);
      }
    }
  });

  it('troubleshoot every message the doctor maps failures to', () => {
    const ops = read('docs/operations.md');
    for (const message of Object.values(GOOGLE_MESSAGES)) expect(ops, message).toContain(`**${message}**`);
  });

  it('list every metric the relay exports (process metrics aside)', async () => {
    const ops = read('docs/operations.md');
    const metrics = new RelayMetrics({ defaultMetrics: false });
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name.slice(METRIC_PREFIX.length));
    expect(names.length).toBeGreaterThan(10);
    for (const n of names) expect(ops, n).toContain(`\`${n}\``);
  });
});

describe('the repository alone', () => {
  const skip = new Set(['node_modules', '.git', 'dist', 'coverage']);
  const files = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
      const path = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) return skip.has(e.name) ? [] : files(path);
      return /\.(ts|mjs|js|json|md|ya?ml|xml|xsd|sh)$|^run$|^Dockerfile$/.test(e.name) ? [path] : [];
    });

  it('refers to nothing outside it (no reference material beside the checkout)', () => {
    // Written in two parts so that this file does not match itself.
    const outside = new RegExp(['\\.\\./', 'shared'].join(''));
    const hits = files('').filter((f) => outside.test(read(f)));
    expect(hits).toEqual([]);
  });

  it('carries the EWS fixtures its README lists, byte for byte', () => {
    const readme = read('test/fixtures/ews/README.md');
    const sums = [...readme.matchAll(/^([0-9a-f]{64}) {2}(\S+)$/gm)];
    expect(sums.length).toBe(11);
    for (const [, sum, path] of sums) {
      expect(createHash('sha256').update(readFileSync(join(ROOT, 'test/fixtures/ews', path!))).digest('hex'), path).toBe(sum);
    }
  });
});
