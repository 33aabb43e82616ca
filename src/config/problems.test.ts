// Every problem in one ConfigError, each naming its YAML path and variable; unknown keys; no secret in messages.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.js';
import { fakeFiles, GOOGLE_SECRET, GRAPH_SECRET, problemLines, pythonRelayEnv, thrownMessage } from './test-support.js';

const fromYaml = (yaml: string, env: Record<string, string | undefined> = {}) => () =>
  loadConfig({ argv: ['--config', '/relay.yaml'], env, readFile: fakeFiles({ '/relay.yaml': yaml }) });

describe('problem reporting', () => {
  it('reports four distinct mistakes together, one line each', () => {
    const env = { ...pythonRelayEnv(), GRAPH_AUTHORITY: 'http://login.microsoftonline.com/tid', PORT: 'eighty', RELAY_DOMAINS: 'example.com', RELAY_DISCLOSURE: 'everything' };
    const message = thrownMessage(fromYaml('tenants: [{ id: default }]\ndomains: [{ name: extra.example, tenant: nowhere }]\n', env));
    expect(problemLines(message)).toEqual([
      'server.port (PORT): must be a whole number',
      'tenants[0].authority (GRAPH_AUTHORITY): must be an https:// URL',
      'domains[1].disclosure (RELAY_DISCLOSURE): must be one of freeBusy, details',
      'domains[0].tenant: names tenant "nowhere", which does not exist (configured: default)',
    ]);
    expect(message.split('\n')[0]).toBe('invalid relay configuration (4 problems):');
  });

  it('reports each unknown key with its path', () => {
    const yaml = 'sever: { port: 1 }\ntenants:\n  - authority: https://login.microsoftonline.com/t\n    clientId: c\n    clientSecret: s\n    clientSecert: typo\ndomains: [{ name: a.example }]\ngoogle: { clients: [{ clientId: g, clientSecret: s }] }\n';
    expect(problemLines(thrownMessage(fromYaml(yaml)))).toEqual([
      'tenants[0].clientSecert: unknown setting (check the spelling against docs/configuration.md)',
      'sever: unknown setting (check the spelling against docs/configuration.md)',
    ]);
  });

  it('throws a ConfigError with a code and the problem list', () => {
    let caught: unknown;
    try {
      loadConfig({ argv: [], env: { LOG_LEVEL: 'loud' } });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught).toMatchObject({ code: 'ERR_RELAY_CONFIG', problems: ['log.level (LOG_LEVEL): must be one of fatal, error, warn, info, debug, trace, silent'] });
  });

  it('checks references, duplicates and credentials across settings', () => {
    const yaml = `
tenants:
  - { id: a, authority: https://login.microsoftonline.com/a, clientId: x }
  - id: a
    authority: https://login.microsoftonline.com/common
    clientId: y
    clientSecret: s
    certificate: { thumbprintSha256: "${'0'.repeat(64)}" }
domains:
  - { name: one.example, tenant: a }
  - { name: ONE.example, tenant: a }
`;
    expect(problemLines(thrownMessage(fromYaml(yaml)))).toEqual([
      'tenants[1].authority: must name a tenant: https://login.microsoftonline.com/<tenant id>',
      'tenants[0].clientSecret: tenant "a" needs a client secret (clientSecret or clientSecretFile) or a certificate',
      'tenants[1].id: duplicate tenant id "a" (also tenants[0])',
      'tenants[1].certificate: tenant "a" has both a client secret and a certificate; keep one',
      'tenants[1].certificate.privateKey: is required (privateKey or privateKeyFile)',
      'domains[1].name: duplicate domain "one.example" (also domains[0])',
      'google.clients (GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET): domains are configured but no Google client is: Google could not get a token',
    ]);
  });

  it('requires a secret for each Google client and a domain once a tenant exists', () => {
    const env = { ...pythonRelayEnv(), GOOGLE_CLIENT_SECRET: undefined, RELAY_DOMAINS: undefined };
    expect(problemLines(thrownMessage(() => loadConfig({ argv: [], env })))).toEqual([
      'google.clients[0].clientSecret (GOOGLE_CLIENT_SECRET): is required (clientSecret or clientSecretFile)',
      'domains (RELAY_DOMAINS): a tenant is configured but no domain is served',
    ]);
  });

  it('rejects domain settings in the environment without RELAY_DOMAINS, and domains in demo mode', () => {
    expect(problemLines(thrownMessage(() => loadConfig({ argv: [], env: { RELAY_DISCLOSURE: 'details', RELAY_DOMAINS: undefined } })))).toEqual([
      'domains (RELAY_DISCLOSURE): applies to the domains in RELAY_DOMAINS, which is not set',
    ]);
    expect(problemLines(thrownMessage(() => loadConfig({ argv: [], env: { RELAY_DOMAINS: 'a.example', GOOGLE_CLIENT_ID: 'g', GOOGLE_CLIENT_SECRET: 's' } })))).toEqual([
      'domains[0].tenant: names tenant "default", which does not exist (no tenant is configured)',
    ]);
  });

  it('names the config file when it is missing or not YAML, without quoting it', () => {
    expect(thrownMessage(() => loadConfig({ argv: [], env: { RELAY_CONFIG: '/missing.yaml' }, readFile: fakeFiles({}) }))).toContain(
      'config file (RELAY_CONFIG): cannot read /missing.yaml: ENOENT',
    );
    const broken = `tenants:\n  - clientSecret: "${GRAPH_SECRET}\n    id: [\n`;
    const message = thrownMessage(fromYaml(broken));
    expect(message).toMatch(/config file \(--config\): \/relay\.yaml line \d+, column \d+: /);
    expect(message).not.toContain(GRAPH_SECRET);
    expect(thrownMessage(fromYaml('- just\n- a list\n'))).toContain('must hold a YAML mapping');
    expect(thrownMessage(() => loadConfig({ argv: ['--config'], env: {} }))).toContain('config file (--config): needs a path');
  });

  it('never prints a secret value', () => {
    const env = {
      ...pythonRelayEnv(),
      GRAPH_CLIENT_SECRET_FILE: '/also-set',
      GOOGLE_CLIENT_ID: GOOGLE_SECRET,
      TOKEN_SIGNING_KEY: 'short-but-secret',
      GRAPH_CERTIFICATE_THUMBPRINT: 'secretish-thumbprint',
      GRAPH_AUTHORITY: `ftp://${GRAPH_SECRET}`,
      PORT: GOOGLE_SECRET,
    };
    const yaml = `google: { clients: [{ clientId: x, clientSecret: ${GOOGLE_SECRET}, clientSecretFile: /f }] }\nbogus: ${GRAPH_SECRET}\n`;
    const message = thrownMessage(fromYaml(yaml, env));
    for (const secret of [GRAPH_SECRET, GOOGLE_SECRET, 'short-but-secret', 'secretish-thumbprint']) expect(message).not.toContain(secret);
    expect(problemLines(message)).toContain(
      'tenants[0].clientSecret (GRAPH_CLIENT_SECRET / GRAPH_CLIENT_SECRET_FILE): set either clientSecret or clientSecretFile, not both',
    );
    expect(problemLines(message)).toContain('tokens.signingKey (TOKEN_SIGNING_KEY): must be at least 32 characters');
  });
});

describe('an unreadable config file', () => {
  it('is reported alone: the rest cannot be judged without it', () => {
    const message = thrownMessage(fromYaml('tenants:\n  - clientSecret: "unterminated\n', { GRAPH_CLIENT_ID: 'x', PORT: 'x' }));
    expect(problemLines(message)).toEqual(['config file (--config): /relay.yaml line 3, column 1: Missing closing "quote (MISSING_CHAR)']);
  });
});
