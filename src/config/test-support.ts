// Shared fixtures for the tests: configurations made as the loader makes them, a fake file system, and a complete
// environment in the original relay's names.
import { configFromRaw } from './load.js';
import type { RawConfig, RelayConfig } from './schema.js';
import type { ReadFile } from './yaml-source.js';

/**
 * The one way tests build a RelayConfig: `raw` (the YAML shape, every section optional) through the real schema (its
 * defaults), the loader's cross-checks and secret resolution (`...File` secrets read from `files`, no disk), then
 * deep-frozen, exactly as loadConfig returns it. Invalid settings throw the loader's ConfigError.
 */
export function configFrom(raw: RawConfig = {}, files: Record<string, string> = {}): RelayConfig {
  return configFromRaw(structuredClone(raw) as Record<string, unknown>, { readFile: fakeFiles(files) });
}

/** A readFile over an in-memory map; a missing path fails like fs does (ENOENT). */
export function fakeFiles(files: Record<string, string>): ReadFile {
  return (path) => {
    const content = files[path];
    if (content === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return content;
  };
}

export const GRAPH_SECRET = 'graph-secret-Zq8~xY';
export const GOOGLE_SECRET = 'google-secret-K7v!pw';
export const SIGNING_KEY = 'signing-key-0123456789abcdef0123456789';

/** What an operator of the Python relay has set, plus the domain list. */
export function pythonRelayEnv(): Record<string, string> {
  return {
    GRAPH_CLIENT_ID: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    GRAPH_CLIENT_SECRET: GRAPH_SECRET,
    GRAPH_AUTHORITY: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555',
    GOOGLE_CLIENT_ID: 'calendar-interop',
    GOOGLE_CLIENT_SECRET: GOOGLE_SECRET,
    RELAY_DOMAINS: 'Example.com, example.org',
  };
}

/** The message of what `fn` throws (fails the test if it does not throw). */
export function thrownMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error('expected a throw');
}

/** Problem lines of a ConfigError message (its first line is the summary). */
export function problemLines(message: string): string[] {
  return message.split('\n').slice(1).map((l) => l.trim());
}
