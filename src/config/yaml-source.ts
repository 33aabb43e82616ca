// The optional YAML file: where it is (--config or RELAY_CONFIG) and its contents as a plain object.
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { CONFIG_FILE_ENV } from './env-map.js';
import type { Problem } from './problems.js';

export type ReadFile = (path: string) => string;
export type Env = Readonly<Record<string, string | undefined>>;

export interface ConfigFileRef {
  path: string;
  /** How it was named, for messages: `--config` or `RELAY_CONFIG`. */
  origin: string;
}

/** `--config <path>` or `--config=<path>` (the last one wins), else RELAY_CONFIG, else no file. */
export function findConfigFile(argv: readonly string[], env: Env, problems: Problem[]): ConfigFileRef | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    let value: string;
    if (arg.startsWith('--config=')) value = arg.slice('--config='.length);
    else if (arg === '--config') {
      const next = argv[i + 1];
      value = next === undefined || next.startsWith('-') ? '' : next;
      if (value !== '') i++;
    } else continue;
    if (value === '') problems.push({ path: 'config file', env: ['--config'], message: 'needs a path: --config <path>' });
    else found = value;
  }
  if (found !== undefined) return { path: found, origin: '--config' };
  const fromEnv = env[CONFIG_FILE_ENV];
  return fromEnv ? { path: fromEnv, origin: CONFIG_FILE_ENV } : undefined;
}

/** Reads and parses the file. Problems never quote the file's text: it may hold secrets. */
export function readYamlConfig(ref: ConfigFileRef, readFile: ReadFile, problems: Problem[]): Record<string, unknown> {
  const where = { path: 'config file', env: [ref.origin] };
  let text: string;
  try {
    text = readFile(ref.path);
  } catch (err) {
    problems.push({ ...where, message: `cannot read ${ref.path}: ${errorCode(err)}` });
    return {};
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      const first = e.message.split('\n')[0]?.replace(/:$/, '') ?? e.code;
      problems.push({ ...where, message: `${ref.path} line ${line}, column ${col}: ${first} (${e.code})` });
    }
    return {};
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    problems.push({ ...where, message: `${ref.path}: ${err instanceof Error ? err.name : 'invalid YAML'}` });
    return {};
  }
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) {
    problems.push({ ...where, message: `${ref.path} must hold a YAML mapping (key: value lines) at the top level` });
    return {};
  }
  resolveFilePaths(value, dirname(resolve(ref.path)));
  return value;
}

/** `...File` settings written in the YAML are relative to the YAML file, as in docker compose. */
function resolveFilePaths(node: unknown, baseDir: string): void {
  if (Array.isArray(node)) {
    for (const item of node) resolveFilePaths(item, baseDir);
  } else if (isPlainObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key.endsWith('File') && typeof value === 'string' && value !== '' && !isAbsolute(value)) {
        node[key] = resolve(baseDir, value);
      } else resolveFilePaths(value, baseDir);
    }
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function errorCode(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.name : 'error';
}
