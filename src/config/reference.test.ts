// docs/configuration.md stays in step with the schema, and relay.example.yaml is a valid configuration.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENV_SETTINGS } from './env-map.js';
import { loadConfig } from './load.js';
import { CONFIGURATION_DOC, renderConfigReference, spliceConfigReference } from './reference.js';

describe('docs/configuration.md', () => {
  it('holds the reference generated from the schema', () => {
    const doc = readFileSync(CONFIGURATION_DOC, 'utf8');
    const outOfDate = 'docs/configuration.md is out of date with src/config: run `npm run docs:config` and commit the result';
    expect(spliceConfigReference(doc) === doc, outOfDate).toBe(true);
  });

  it('lists every environment variable, with the _FILE form of each secret', () => {
    const reference = renderConfigReference();
    for (const s of ENV_SETTINGS) {
      expect(reference).toContain(`\`${s.name}\``);
      if (s.kind === 'secret') expect(reference).toContain(`\`${s.name}_FILE\``);
    }
  });
});

describe('relay.example.yaml', () => {
  it('is a valid configuration of two domains on two tenants', () => {
    const example = fileURLToPath(new URL('../../relay.example.yaml', import.meta.url));
    const secrets: Record<string, string> = {
      '/run/secrets/google-client-secret': 'google-secret\n',
      '/run/secrets/google-client-secret-fabrikam': 'google-secret-2\n',
      '/run/secrets/token-signing-key': `${'k'.repeat(40)}\n`,
      '/run/secrets/contoso-graph-secret': 'contoso-secret\n',
      '/run/secrets/fabrikam-graph-key.pem': '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n',
    };
    const readFile = (path: string) => (path === example ? readFileSync(path, 'utf8') : (secrets[path] ?? readFileSync(path, 'utf8')));
    const config = loadConfig({ argv: ['--config', example], env: {}, readFile });
    expect(config.demo).toBe(false);
    expect(config.tenants.map((t) => t.id)).toEqual(['contoso', 'fabrikam']);
    expect(config.tenants[1]?.certificate?.privateKey).toContain('BEGIN PRIVATE KEY');
    expect(config.tenants[0]).toMatchObject({ authority: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555', graphEndpoint: 'https://graph.microsoft.com' });
    expect(config.domains[0]?.lookupMailboxes).toHaveLength(2);
    expect(config.domains.map((d) => [d.name, d.tenant, d.disclosure])).toEqual([
      ['contoso.com', 'contoso', 'freeBusy'],
      ['fabrikam.example', 'fabrikam', 'details'],
    ]);
  });
});
