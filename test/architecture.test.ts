// Architecture rules: which layer may import which, no import cycles, and the Graph adapter never speaks EWS.
//
// Tool: dependency-cruiser, pinned at 17.4.3, run in-process through its API (`cruise`), not through a shell.
// Why it: it is maintained (17.x and 18.x both released this year), resolves NodeNext-style `./x.js`
// specifiers to the `./x.ts` files beside them (its resolver retries `.js` as `.ts` for TypeScript sources),
// sees type-only imports (`tsPreCompilationDeps`, parsed with the project's own TypeScript), has declarative
// path rules and cycle detection, and reports each violation as a from -> to edge or as the cycle's path, so
// a failure names files. 17.4.3 is the newest release whose `engines` still admits Node 20 (`^20.12||^22||>=24`);
// 18.x needs Node 22. madge was the alternative: it sees no type-only imports without extra setup and has
// no rule language, so every rule would be hand-written over its graph.
//
// Scope: every file under src/, tests and test-support files included. A test beside a module is held to
// that module's layer (a domain test that needs a Graph type has the same coupling as the domain code),
// and a cycle is a cycle whoever is in it. Files outside src/ that src tests import (test/support/) are
// followed but are never the `from` side of a rule.
//
// Every rule is first run over test/fixtures/architecture/, a synthetic src/ tree with deliberate
// violations next to allowed edges, and must report exactly those; and the real run must have seen every
// .ts file under src/ with every relative import resolved. So a rule that stopped matching, or a cruise
// that found nothing, fails here instead of passing quietly.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IForbiddenRuleType, type IViolation } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../src/errors/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = join(ROOT, 'test/fixtures/architecture');

const TEST_FILE = String.raw`(\.test\.ts|/test-support\.ts)$`;

/** npm packages the domain may use: pure computation, no I/O. Add one here only if that stays true. */
const DOMAIN_PURE_PACKAGES = ['windows-iana'];
/** Test-only libraries the domain's own tests may use. */
const TEST_PACKAGES = ['vitest', 'fast-check'];

const RULES: IForbiddenRuleType[] = [
  {
    name: 'availability-is-the-domain',
    comment: 'src/availability/** depends only on itself, clock.ts, limits.ts, bounded-map.ts and errors/ (no graph, http, cache, ews, config, demo, cli, nor any other src/ folder)',
    severity: 'error',
    from: { path: '^src/availability/' },
    to: { path: '^src/', pathNot: String.raw`^src/(availability/|clock\.ts$|limits\.ts$|bounded-map\.ts$|errors/)` },
  },
  {
    name: 'availability-uses-pure-libraries-only',
    comment: 'src/availability/** imports no Node built-in and no npm package outside the pure list (test libraries in tests only)',
    severity: 'error',
    from: { path: '^src/availability/', pathNot: TEST_FILE },
    to: { dependencyTypesNot: ['local'], pathNot: `^node_modules/(${DOMAIN_PURE_PACKAGES.join('|')})/` },
  },
  {
    name: 'availability-tests-use-pure-or-test-libraries-only',
    severity: 'error',
    from: { path: `^src/availability/.*${TEST_FILE}` },
    to: { dependencyTypesNot: ['local'], pathNot: `^node_modules/(${[...DOMAIN_PURE_PACKAGES, ...TEST_PACKAGES].join('|')})/` },
  },
  {
    name: 'ews-does-not-reach-adapters',
    comment: 'src/ews/** (the EWS protocol) does not import graph, http or cache',
    severity: 'error',
    from: { path: '^src/ews/' },
    to: { path: '^src/(graph|http|cache)/' },
  },
  {
    name: 'adapters-do-not-reach-protocol',
    comment: 'src/graph/** and src/cache/** do not import ews or http',
    severity: 'error',
    from: { path: '^src/(graph|cache)/' },
    to: { path: '^src/(ews|http)/' },
  },
  {
    name: 'no-file-cycles',
    comment: 'no import cycle between files anywhere in src/; type-only imports count',
    severity: 'error',
    from: { path: '^src/' },
    to: { circular: true },
  },
];
const LAYER_RULES = RULES.filter((r) => r.name !== 'no-file-cycles').map((r) => r.name!);

async function cruiseTree(baseDir: string): Promise<ICruiseResult> {
  const { output } = await cruise(
    ['src'],
    {
      baseDir,
      validate: true,
      ruleSet: { forbidden: RULES },
      // Type-only imports are dependencies too: the domain may not even name an adapter's type.
      tsPreCompilationDeps: true,
      tsConfig: { fileName: join(ROOT, 'tsconfig.json') },
      doNotFollow: { path: 'node_modules' },
    },
    {},
    { tsConfig: extractTSConfig(join(ROOT, 'tsconfig.json')) },
  );
  if (typeof output === 'string') throw new Error('dependency-cruiser returned a report string, not a cruise result');
  return output;
}

const edge = (v: IViolation): string => `${v.from} -> ${v.to}`;
const cycle = (v: IViolation): string => [v.from, ...(v.cycle ?? []).map((c) => c.name)].join(' -> ');
const violationsOf = (result: ICruiseResult, rule: string): string[] =>
  result.summary.violations
    .filter((v) => v.rule.name === rule)
    .map((v) => (v.type === 'cycle' ? cycle(v) : `${edge(v)}  [${rule}]`))
    .sort();
const layerViolations = (result: ICruiseResult): string[] => LAYER_RULES.flatMap((rule) => violationsOf(result, rule)).sort();
/** Each cycle once, whichever member dependency-cruiser reported it from. */
const cycles = (result: ICruiseResult): string[] => {
  const seen = new Map<string, string>();
  for (const v of result.summary.violations.filter((x) => x.rule.name === 'no-file-cycles')) {
    const members = [v.from, ...(v.cycle ?? []).map((c) => c.name)];
    const key = [...new Set(members)].sort().join('|');
    if (!seen.has(key)) seen.set(key, members.join(' -> '));
  }
  return [...seen.values()].sort();
};

/** The top-level layer a src/ path belongs to: its first folder under src/, or the file itself for src/*.ts. */
const layerOf = (source: string): string | undefined => {
  const m = /^src\/([^/]+)(\/)?/.exec(source);
  if (!m) return undefined;
  return m[2] ? `src/${m[1]}` : source;
};

/**
 * Folder-level cycle between two layers: a path of layer-to-layer imports from `a` to `b` and one back, at
 * top-level folder granularity (availability/time-zone/ is availability). Each hop names one file edge
 * that creates it. Empty when the two are not in one cycle.
 */
function folderCycle(result: ICruiseResult, a: string, b: string): string[] {
  const hops = new Map<string, Map<string, string>>();
  for (const m of result.modules) {
    const from = layerOf(m.source);
    if (!from) continue;
    for (const d of m.dependencies) {
      const to = layerOf(d.resolved);
      if (!to || to === from) continue;
      const out = hops.get(from) ?? new Map<string, string>();
      if (!out.has(to)) out.set(to, `${m.source} -> ${d.resolved}`);
      hops.set(from, out);
    }
  }
  const path = (start: string, goal: string): string[] | undefined => {
    const back = new Map<string, string>([[start, start]]);
    const queue = [start];
    while (queue.length) {
      const at = queue.shift()!;
      if (at === goal) {
        const steps: string[] = [];
        for (let n = goal; n !== start; n = back.get(n)!) steps.unshift(`${back.get(n)} => ${n} (via ${hops.get(back.get(n)!)!.get(n)})`);
        return steps;
      }
      for (const next of hops.get(at)?.keys() ?? []) {
        if (!back.has(next)) {
          back.set(next, at);
          queue.push(next);
        }
      }
    }
    return undefined;
  };
  const there = path(a, b);
  const back = path(b, a);
  return there && back ? [...there, ...back] : [];
}

const tsFilesUnder = (dir: string): string[] =>
  (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => relative(ROOT, join(dir, f)).split(sep).join('/'));

// ---- Graph must not produce EWS ResponseCodes --------------------------------------------------------------
//
// The relay's EWS ResponseCodes (ErrorMailRecipientNotFound, ErrorFreeBusyGenerationFailed, ErrorTimeoutExpired,
// ErrorProxyRequestNotAllowed, ErrorNoFreeBusyAccess, ErrorServerBusy, ...) are the protocol's vocabulary and
// are chosen outside the adapter; src/graph/ should report what Graph said, not answer in EWS. But Graph itself
// borrows EWS-style names for its own error `code` values (and getSchedule's per-schedule `error.responseCode`),
// and the adapter has to compare against those. Text alone cannot tell "compares with Graph's input" from
// "answers with an EWS code", so the line is an explicit allow-list of the codes Graph sends: every string
// literal (or template text) in non-test src/graph/ code containing an `Error[A-Z]...` word must be one of
// them. Comments are not literals and are ignored (the files are parsed with TypeScript, not grepped), and
// string-literal types count (a union of EWS codes declared in graph is producing them).
// The allow-list must stay disjoint from what the relay produces; the test checks that, so a name cannot be
// waved through by adding it here.

/** Error codes Graph itself puts in its JSON (error.code, or a schedule's error.responseCode). Read, never produced. */
const GRAPH_OWN_CODES = new Set([
  'ErrorInvalidUser', // GET /users/{id}/calendar/getSchedule for a user Graph does not know
  'ErrorItemNotFound', // the URL's mailbox has no calendar Graph can serve
]);
/** ResponseCodes the relay answers with: the catalog's SOAP Faults and per-mailbox codes. */
const RELAY_CODES = new Set(Object.values(ERRORS).flatMap((e) => (e.surface === 'soap' || e.surface === 'mailbox') && e.wire ? [e.wire] : []));

const EWS_CODE_WORD = /\bError[A-Z][A-Za-z]+\b/g;

/** `file:line: 'Code'` for every Error* word inside a string literal or template text that Graph does not send. */
function ewsCodesProducedIn(files: string[]): string[] {
  const hits: string[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
        for (const [code] of node.text.matchAll(EWS_CODE_WORD)) {
          if (!GRAPH_OWN_CODES.has(code)) hits.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: '${code}'`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return hits;
}
const graphProductionFiles = (baseDir: string): string[] => tsFilesUnder(join(baseDir, 'src/graph')).filter((f) => !new RegExp(TEST_FILE).test(f));

// ---- each folder says what it owns and what it may import ------------------------------------------------
//
// Every folder directly under src/ has a README.md with an "Owns:" line and a "May import:" line. The layers
// named in backticks before any "Never" in the latter (`config/`, `clock.ts`, ...) must cover every other layer
// the folder's non-test files import, so the line cannot drift from the code. "May import: any folder" declares
// a top-level folder that may use all the others.

/** `folder: problem` for each folder under src/ of `baseDir` whose README is missing or does not declare its imports. */
function undeclaredImports(result: ICruiseResult, baseDir: string): string[] {
  const problems: string[] = [];
  const folders = readdirSync(join(baseDir, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `src/${e.name}`);
  for (const folder of folders.sort()) {
    let text: string;
    try {
      text = readFileSync(join(baseDir, folder, 'README.md'), 'utf8');
    } catch {
      problems.push(`${folder}: no README.md`);
      continue;
    }
    const mayImport = /^May import:([\s\S]*)/m.exec(text)?.[1];
    if (!/^Owns:/m.test(text) || mayImport === undefined) {
      problems.push(`${folder}: README.md lacks an "Owns:" or a "May import:" line`);
      continue;
    }
    if (/^\s*any folder/.test(mayImport)) continue;
    const declared = new Set([...mayImport.split(/\bNever\b/)[0]!.matchAll(/`([^`]+)`/g)].map(([, name]) => `src/${name!.replace(/\/$/, '')}`));
    const used = new Map<string, string>();
    for (const m of result.modules) {
      if (layerOf(m.source) !== folder || new RegExp(TEST_FILE).test(m.source)) continue;
      for (const d of m.dependencies) {
        const to = layerOf(d.resolved);
        if (to && to !== folder && !used.has(to)) used.set(to, `${m.source} -> ${d.resolved}`);
      }
    }
    for (const [layer, via] of [...used].sort()) if (!declared.has(layer)) problems.push(`${folder}: imports ${layer} (${via}), which its README does not name`);
  }
  return problems;
}

// ---- the tests ------------------------------------------------------------------------------------------------

let fixture: ICruiseResult;
let real: ICruiseResult;
beforeAll(async () => {
  [fixture, real] = await Promise.all([cruiseTree(FIXTURE), cruiseTree(ROOT)]);
}, 60_000);

describe('the architecture check itself', () => {
  it('sees every .ts file under src/ and resolves every relative import (.js specifiers to .ts files)', () => {
    const seen = new Set(real.modules.map((m) => m.source));
    const missing = tsFilesUnder(join(ROOT, 'src')).filter((f) => !seen.has(f));
    expect(seen.size).toBeGreaterThan(100);
    expect(missing, 'files dependency-cruiser did not see').toEqual([]);
    const unresolved = real.modules.flatMap((m) => m.dependencies.filter((d) => d.couldNotResolve).map((d) => `${m.source} -> ${d.module}`));
    expect(unresolved, 'imports dependency-cruiser could not resolve').toEqual([]);
  });

  it('keeps the Graph allow-list disjoint from the codes the relay answers with', () => {
    expect([...GRAPH_OWN_CODES].filter((c) => RELAY_CODES.has(c))).toEqual([]);
  });
});

describe('layering', () => {
  it('self-check: reports exactly the fixture tree\'s deliberate layering violations', () => {
    expect(layerViolations(fixture)).toEqual([
      'src/availability/uses-ews.ts -> src/ews/parser.ts  [availability-is-the-domain]',
      'src/availability/uses-fs.ts -> fs  [availability-uses-pure-libraries-only]',
      'src/availability/uses-graph.ts -> src/graph/port.ts  [availability-is-the-domain]',
      'src/cache/uses-ews.ts -> src/ews/parser.ts  [adapters-do-not-reach-protocol]',
      'src/ews/uses-cache.ts -> src/cache/store.ts  [ews-does-not-reach-adapters]',
      'src/graph/uses-http.ts -> src/http/route.ts  [adapters-do-not-reach-protocol]',
    ]);
  });

  it('availability imports only itself, clock.ts, limits.ts, bounded-map.ts, errors/ and pure libraries', () => {
    expect(
      layerViolations(real).filter((v) => v.startsWith('src/availability/')),
      'src/availability/ is the domain: move what it needs into it (ports, value types) instead of importing an outer layer',
    ).toEqual([]);
  });

  it('ews imports neither graph, http nor cache', () => {
    expect(violationsOf(real, 'ews-does-not-reach-adapters'), 'the EWS protocol must not know its adapters').toEqual([]);
  });

  it('graph and cache import neither ews nor http', () => {
    expect(violationsOf(real, 'adapters-do-not-reach-protocol'), 'adapters must not know the EWS protocol or the HTTP edge').toEqual([]);
  });
});

describe('cycles', () => {
  it('self-check: reports the fixture tree\'s type-only cycle and its availability <-> ews folder cycle', () => {
    expect(cycles(fixture)).toEqual([expect.stringMatching(/^src\/graph\/cycle-[ab]\.ts -> src\/graph\/cycle-[ab]\.ts -> src\/graph\/cycle-[ab]\.ts$/)]);
    expect(folderCycle(fixture, 'src/availability', 'src/ews')).toEqual([
      'src/availability => src/ews (via src/availability/uses-ews.ts -> src/ews/parser.ts)',
      'src/ews => src/availability (via src/ews/parser.ts -> src/availability/domain.ts)',
    ]);
    expect(folderCycle(fixture, 'src/http', 'src/graph')).toEqual([]);
  });

  it('has no file-level import cycle in src/ (type-only imports included)', () => {
    expect(cycles(real), 'import cycles, each as a -> b -> ... -> a').toEqual([]);
  });

  it('has no folder-level cycle between availability and ews', () => {
    expect(folderCycle(real, 'src/availability', 'src/ews'), 'the availability => ews and ews => availability paths').toEqual([]);
  });
});

describe('the Graph adapter speaks Graph, not EWS', () => {
  it('self-check: reports the fixture\'s produced EWS codes and lets Graph\'s own codes and comments pass', () => {
    expect(graphProductionFiles(FIXTURE).length).toBeGreaterThan(0);
    expect(ewsCodesProducedIn(graphProductionFiles(FIXTURE))).toEqual([
      "test/fixtures/architecture/src/graph/codes.ts:3: 'ErrorNoFreeBusyAccess'",
      "test/fixtures/architecture/src/graph/codes.ts:8: 'ErrorServerBusy'",
      "test/fixtures/architecture/src/graph/codes.ts:9: 'ErrorTimeoutExpired'",
    ]);
  });

  it('has no EWS ResponseCode literal in non-test src/graph/ code other than the codes Graph itself sends', () => {
    const files = graphProductionFiles(ROOT);
    expect(files.length).toBeGreaterThan(5);
    expect(ewsCodesProducedIn(files), 'EWS codes produced in src/graph/ (file:line): the adapter should report what Graph said and leave the EWS code to the domain').toEqual([]);
  });
});

describe('each folder says what it owns and may import', () => {
  it('self-check: reports the fixture folders without a README and the import its README does not name', () => {
    expect(undeclaredImports(fixture, FIXTURE)).toEqual([
      'src/availability: no README.md',
      'src/cache: no README.md',
      'src/ews: imports src/cache (src/ews/uses-cache.ts -> src/cache/store.ts), which its README does not name',
      'src/graph: no README.md',
      'src/http: README.md lacks an "Owns:" or a "May import:" line',
    ]);
  });

  it('every folder under src/ has a README.md whose "May import:" line covers what its code imports', () => {
    expect(undeclaredImports(real, ROOT)).toEqual([]);
  });
});
