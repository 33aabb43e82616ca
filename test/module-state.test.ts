// No module-level mutable state in src/ unless it is listed here with the reason it may stay. State on the
// request path belongs to an instance with a clear lifetime (ScratchBuffer, ScheduleScanner, ServerTimeZones,
// each memo inside its owner); what is left at module level is a table built once from constant data, or a
// bounded memo of a pure function (same input, same answer, whoever asks). The scan looks at top-level `let` and
// `var`, and at top-level or static collections (Map, WeakMap, Set, WeakSet, BoundedMap, LRUCache).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

const CONSTANT_TABLE = 'lookup table built at import from constant data, never changed after';
const PURE_MEMO = 'bounded memo (BoundedMap) of a pure function of zone data: answers the same whoever asks';

/** `file:name` -> why it may stay. */
const ALLOWED: Record<string, string> = {
  'availability/time-zone/windows-zones.ts:goldenIana': `${CONSTANT_TABLE} (windows-iana's CLDR table)`,
  'availability/time-zone/windows-zones.ts:windowsIdByLower': `${CONSTANT_TABLE} (windows-iana's CLDR table)`,
  'availability/time-zone/windows-zones.ts:windowsByIana': `${CONSTANT_TABLE} (windows-iana's CLDR table)`,
  'availability/time-zone/windows-zones.ts:aliasGroup': `${CONSTANT_TABLE} (windows-iana's alias table)`,
  'availability/time-zone/iana-rules.ts:formatters': `${PURE_MEMO} (one Intl formatter per zone name)`,
  'availability/time-zone/iana-rules.ts:segmentMemo': `${PURE_MEMO} (ICU offsets per zone and year)`,
  'availability/time-zone/iana-rules.ts:rulesMemo': `${PURE_MEMO} (rules per IANA zone)`,
  'availability/time-zone/serializable-rules.ts:byContent': `${PURE_MEMO} (rules per SerializableTimeZone content)`,
  'availability/time-zone/graph-custom.ts:namedZones': `${PURE_MEMO} (SerializableTimeZone per Graph zone name and year)`,
  'ews/write-time-zone.ts:written': 'WeakMap memo of a pure function of frozen zones: an entry lives exactly as long as its key',
  'ews/xml-parse.ts:building': "slot for the tree of the one parseXml call running (saxes calls some handlers without `this`); put back in finally",
  'ews/handle-request.ts:KNOWN_OPERATIONS': CONSTANT_TABLE,
  'graph/attempt-outcome.ts:MISSING_USER_CODES': CONSTANT_TABLE,
  'availability/schedule-items.ts:statusSet': CONSTANT_TABLE,
  'graph/schedule-wire.ts:utcZones': CONSTANT_TABLE,
  'graph/schedule-wire.ts:statuses': CONSTANT_TABLE,
  'http/source-access.ts:OPEN_PATHS': CONSTANT_TABLE,
  'logger.ts:LOGGED_PATHS': CONSTANT_TABLE,
  'demo/fake-graph-schedule.ts:utcNames': `${CONSTANT_TABLE} (demo Graph only)`,
  'demo/tls.ts:serverTls': 'demo only, not on the request path: one throwaway certificate per process, made on first use',
};

const COLLECTION = String.raw`new (?:Map|WeakMap|Set|WeakSet|BoundedMap|LRUCache)\b`;
const patterns = [
  // Top-level let/var, exported or not.
  /^(?:export\s+)?(?:let|var)\s+([A-Za-z_$][\w$]*)/,
  // Top-level const holding a collection, with or without a type annotation.
  new RegExp(String.raw`^(?:export\s+)?const\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*${COLLECTION}`),
  // A static class field holding a collection: one per class is one per module.
  new RegExp(String.raw`^\s+(?:(?:public|private|protected|readonly)\s+)*static\s+(?:readonly\s+)?#?([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*${COLLECTION}`),
];

/** `name` and line number of each module-level mutable declaration in `source`. */
function moduleState(source: string): { name: string; line: number }[] {
  const found: { name: string; line: number }[] = [];
  source.split('\n').forEach((line, i) => {
    for (const p of patterns) {
      const m = p.exec(line);
      if (m) {
        found.push({ name: m[1]!, line: i + 1 });
        break;
      }
    }
  });
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('module-level state in src/', () => {
  const found = sourceFiles(SRC).flatMap((file) => moduleState(readFileSync(file, 'utf8')).map((d) => ({ ...d, file: relative(SRC, file).split('\\').join('/') })));

  it('is only what the allow-list names, each with its reason', () => {
    const offenders = found.filter((d) => !(`${d.file}:${d.name}` in ALLOWED)).map((d) => `${d.file}:${d.line}: ${d.name}`);
    expect(offenders).toEqual([]);
  });

  it('has no stale allow-list entries (each still names a declaration)', () => {
    const seen = new Set(found.map((d) => `${d.file}:${d.name}`));
    expect(Object.keys(ALLOWED).filter((k) => !seen.has(k))).toEqual([]);
  });

  it('the scan sees what it looks for', () => {
    // A guard on the guard: a synthetic module with each kind of violation, and look-alikes that are not.
    const synthetic = [
      'let columns = new Builder(1024);',
      'export let current: Tree | undefined;',
      'var legacy = 1;',
      'const memo = new Map<string, number>();',
      'export const seen: WeakMap<object, string> = new WeakMap();',
      'const ids = new Set(["a"]);',
      'const bounded = new BoundedMap<string, string>(16);',
      'const lru = new LRUCache({ max: 4 });',
      '  private static readonly cache = new Map<string, number>();',
      '  static #hidden = new WeakSet();',
      // Not module-level state:
      '  let inner = 0;',
      '  const local = new Map();',
      '  private readonly mine = new Map();',
      'const at = new Date(0);',
      'const frozen = Object.freeze({ a: 1 });',
      '// let commented = 1;',
      ' * const inDoc = new Map();',
    ].join('\n');
    expect(moduleState(synthetic).map((d) => d.name)).toEqual(['columns', 'current', 'legacy', 'memo', 'seen', 'ids', 'bounded', 'lru', 'cache', 'hidden']);
  });
});
