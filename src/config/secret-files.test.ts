// Secrets read from files as Kubernetes/Docker/Vault mount them (`<NAME>_FILE` variables, `...File` YAML keys).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './load.js';
import { GOOGLE_SECRET, GRAPH_SECRET, problemLines, pythonRelayEnv, SIGNING_KEY, thrownMessage } from './test-support.js';

let dir: string;
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('secrets from files', () => {
  it('reads every <NAME>_FILE variable and trims one trailing newline', () => {
    const env = {
      ...pythonRelayEnv(),
      GRAPH_CLIENT_SECRET: undefined,
      GRAPH_CLIENT_SECRET_FILE: file('graph', `${GRAPH_SECRET}\n`),
      GOOGLE_CLIENT_SECRET: undefined,
      GOOGLE_CLIENT_SECRET_FILE: file('google', `${GOOGLE_SECRET}\r\n`),
      TOKEN_SIGNING_KEY_FILE: file('signing', `${SIGNING_KEY}\n\n`),
    };
    const config = loadConfig({ argv: [], env });
    expect(config.tenants[0]?.clientSecret).toBe(GRAPH_SECRET);
    expect(config.google.clients[0]?.clientSecret).toBe(GOOGLE_SECRET);
    expect(config.tokens.signingKey).toBe(`${SIGNING_KEY}\n`);
  });

  it('reads ...File keys in YAML, relative to the YAML file', () => {
    file('contoso.secret', 'contoso-secret\n');
    file('google.secret', 'g-secret');
    file('key.pem', '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n');
    const yaml = file(
      'relay.yaml',
      `google: { clients: [{ clientId: g, clientSecretFile: google.secret }] }
tenants:
  - { id: contoso, authority: https://login.microsoftonline.com/c, clientId: c, clientSecretFile: ./contoso.secret }
  - id: fabrikam
    authority: https://login.microsoftonline.com/f
    clientId: f
    certificate: { thumbprintSha256: "${'a'.repeat(64)}", privateKeyFile: ${join(dir, 'key.pem')} }
domains: [{ name: contoso.com, tenant: contoso }, { name: fabrikam.com, tenant: fabrikam }]
`,
    );
    const config = loadConfig({ argv: ['--config', yaml], env: {} });
    expect(config.tenants[0]?.clientSecret).toBe('contoso-secret');
    expect(config.tenants[1]?.certificate?.privateKey).toBe('-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----');
    expect(config.google.clients[0]?.clientSecret).toBe('g-secret');
  });

  it('reports missing and empty files by path, and both forms of one secret', () => {
    const env = {
      ...pythonRelayEnv(),
      GRAPH_CLIENT_SECRET_FILE: file('unused', 'x'),
      GOOGLE_CLIENT_SECRET: undefined,
      GOOGLE_CLIENT_SECRET_FILE: join(dir, 'does-not-exist'),
      TOKEN_SIGNING_KEY_FILE: file('empty', '\n'),
    };
    expect(problemLines(thrownMessage(() => loadConfig({ argv: [], env })))).toEqual([
      'tenants[0].clientSecret (GRAPH_CLIENT_SECRET / GRAPH_CLIENT_SECRET_FILE): set either clientSecret or clientSecretFile, not both',
      `tokens.signingKeyFile (TOKEN_SIGNING_KEY_FILE): ${join(dir, 'empty')} is empty`,
      `google.clients[0].clientSecretFile (GOOGLE_CLIENT_SECRET_FILE): cannot read ${join(dir, 'does-not-exist')}: ENOENT`,
    ]);
  });

  it('rejects both forms written in the YAML file too', () => {
    const yaml = file('both.yaml', 'tokens: { signingKey: inline-value-that-is-long-enough-000, signingKeyFile: /x }\n');
    const message = thrownMessage(() => loadConfig({ argv: [`--config=${yaml}`], env: {} }));
    expect(problemLines(message)).toEqual(['tokens.signingKey (TOKEN_SIGNING_KEY / TOKEN_SIGNING_KEY_FILE): set either signingKey or signingKeyFile, not both']);
    expect(message).not.toContain('inline-value');
  });
});
