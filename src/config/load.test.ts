// loadConfig from the environment alone, from YAML alone, and both layered; demo mode; frozen result.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.js';
import { fakeFiles, GOOGLE_SECRET, GRAPH_SECRET, pythonRelayEnv, SIGNING_KEY } from './test-support.js';

const YAML = `
server: { port: 9090, publicUrl: https://relay.example.net }
google:
  clients: [{ clientId: yaml-google, clientSecret: yaml-google-secret }]
tenants:
  - id: default
    authority: https://login.microsoftonline.com/yaml-tenant/
    clientId: yaml-client
    clientSecret: yaml-graph-secret
  - id: other
    authority: https://login.microsoftonline.us/other-tenant
    graphEndpoint: https://graph.microsoft.us/
    clientId: other-client
    clientSecret: other-secret
domains:
  - { name: example.com, disclosure: details, lookupMailbox: room@example.com }
  - { name: other.example, tenant: other }
graph: { maxAttempts: 2 }
log: { level: debug }
`;

describe('loadConfig from the environment only', () => {
  it('accepts the original Python relay variable names', () => {
    const config = loadConfig({ argv: [], env: { ...pythonRelayEnv(), PORT: '8443', TOKEN_SIGNING_KEY: SIGNING_KEY } });
    expect(config.demo).toBe(false);
    expect(config.tenants).toEqual([
      {
        id: 'default',
        authority: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555',
        graphEndpoint: 'https://graph.microsoft.com',
        clientId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
        clientSecret: GRAPH_SECRET,
      },
    ]);
    expect(config.google.clients).toEqual([{ clientId: 'calendar-interop', clientSecret: GOOGLE_SECRET }]);
    expect(config.domains).toEqual([
      { name: 'example.com', tenant: 'default', disclosure: 'freeBusy' },
      { name: 'example.org', tenant: 'default', disclosure: 'freeBusy' },
    ]);
    expect(config.server).toEqual({ host: '0.0.0.0', port: 8443 });
    expect(config.tokens).toEqual({ signingKey: SIGNING_KEY, lifetimeSeconds: 3600 });
    expect(config.graph.chunkSize).toBe(20);
  });

  it('reads the newer variables', () => {
    const config = loadConfig({
      argv: [],
      env: {
        ...pythonRelayEnv(),
        HOST: '127.0.0.1',
        GRAPH_ENDPOINT: 'https://graph.microsoft.us',
        RELAY_DISCLOSURE: 'details',
        GRAPH_LOOKUP_MAILBOX: 'lookup@example.com',
        RELAY_PUBLIC_URL: 'https://relay.example.com',
        TOKEN_LIFETIME_SECONDS: '600',
        LOG_LEVEL: 'warn',
        TOKEN_SIGNING_KEY: '',
      },
    });
    expect(config.tenants[0]?.graphEndpoint).toBe('https://graph.microsoft.us');
    expect(config.domains[0]).toEqual({ name: 'example.com', tenant: 'default', disclosure: 'details', lookupMailbox: 'lookup@example.com' });
    expect(config.server).toEqual({ host: '127.0.0.1', port: 8080, publicUrl: 'https://relay.example.com' });
    expect(config.tokens).toEqual({ lifetimeSeconds: 600 });
    expect(config.log.level).toBe('warn');
  });

  it('takes a certificate credential', () => {
    const env = { ...pythonRelayEnv(), GRAPH_CLIENT_SECRET: undefined, GRAPH_CERTIFICATE_THUMBPRINT: 'AB'.repeat(32), GRAPH_CERTIFICATE_KEY_FILE: '/k.pem' };
    const config = loadConfig({ argv: [], env, readFile: fakeFiles({ '/k.pem': '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n' }) });
    expect(config.tenants[0]?.clientSecret).toBeUndefined();
    expect(config.tenants[0]?.certificate).toEqual({
      privateKey: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----',
      thumbprintSha256: 'AB'.repeat(32),
    });
  });
});

describe('loadConfig from YAML only', () => {
  it.each([[['--config', '/etc/relay.yaml']], [['--config=/etc/relay.yaml']]])('reads the file named by %j', (argv) => {
    const config = loadConfig({ argv, env: {}, readFile: fakeFiles({ '/etc/relay.yaml': YAML }) });
    expect(config.tenants.map((t) => [t.id, t.authority, t.graphEndpoint, t.clientSecret])).toEqual([
      ['default', 'https://login.microsoftonline.com/yaml-tenant', 'https://graph.microsoft.com', 'yaml-graph-secret'],
      ['other', 'https://login.microsoftonline.us/other-tenant', 'https://graph.microsoft.us', 'other-secret'],
    ]);
    expect(config.domains).toEqual([
      { name: 'example.com', tenant: 'default', disclosure: 'details', lookupMailbox: 'room@example.com' },
      { name: 'other.example', tenant: 'other', disclosure: 'freeBusy' },
    ]);
    expect(config.server).toEqual({ host: '0.0.0.0', port: 9090, publicUrl: 'https://relay.example.net' });
    expect(config.graph).toEqual({ deadlineMs: 10_000, attemptTimeoutMs: 5_000, maxAttempts: 2, retryAfterCeilingMs: 5_000, chunkSize: 20 });
    expect(config.log.level).toBe('debug');
  });

  it('finds the file through RELAY_CONFIG, and --config wins over it', () => {
    const readFile = fakeFiles({ '/a.yaml': YAML, '/b.yaml': 'log: { level: error }\n' });
    expect(loadConfig({ argv: [], env: { RELAY_CONFIG: '/a.yaml' }, readFile }).log.level).toBe('debug');
    expect(loadConfig({ argv: ['--config', '/b.yaml'], env: { RELAY_CONFIG: '/a.yaml' }, readFile }).log.level).toBe('error');
  });
});

describe('YAML with the environment on top', () => {
  const readFile = fakeFiles({ '/relay.yaml': YAML });
  const load = (env: Record<string, string>) => loadConfig({ argv: ['--config', '/relay.yaml'], env, readFile });

  it('lets the environment win for the same setting and keeps the rest', () => {
    const config = load({ PORT: '7000', LOG_LEVEL: 'error', GRAPH_CLIENT_ID: 'env-client', GRAPH_CLIENT_SECRET: 'env-secret', GOOGLE_CLIENT_SECRET: 'env-google' });
    expect(config.server).toEqual({ host: '0.0.0.0', port: 7000, publicUrl: 'https://relay.example.net' });
    expect(config.log.level).toBe('error');
    expect(config.tenants[0]).toMatchObject({ id: 'default', clientId: 'env-client', clientSecret: 'env-secret', authority: 'https://login.microsoftonline.com/yaml-tenant' });
    expect(config.tenants[1]).toMatchObject({ id: 'other', clientSecret: 'other-secret' });
    expect(config.google.clients).toEqual([{ clientId: 'yaml-google', clientSecret: 'env-google' }]);
  });

  it('replaces a file domain of the same name and keeps the others', () => {
    const config = load({ RELAY_DOMAINS: 'EXAMPLE.com,new.example', RELAY_DISCLOSURE: 'freeBusy' });
    expect(config.domains).toEqual([
      { name: 'example.com', tenant: 'default', disclosure: 'freeBusy' },
      { name: 'other.example', tenant: 'other', disclosure: 'freeBusy' },
      { name: 'new.example', tenant: 'default', disclosure: 'freeBusy' },
    ]);
  });

  it('lets a secret file in the environment replace an inline secret in the file', () => {
    const files = fakeFiles({ '/relay.yaml': YAML, '/s': 'from-file\n' });
    const config = loadConfig({ argv: ['--config', '/relay.yaml'], env: { GRAPH_CLIENT_SECRET_FILE: '/s' }, readFile: files });
    expect(config.tenants[0]?.clientSecret).toBe('from-file');
  });
});

describe('demo mode', () => {
  it('is on when no tenant is configured, and needs nothing else', () => {
    const config = loadConfig({ argv: [], env: { PORT: '3000' } });
    expect(config).toMatchObject({ demo: true, tenants: [], domains: [], google: { clients: [] } });
    expect(config.server.port).toBe(3000);
  });

  it('is on with a file that has no tenants', () => {
    const readFile = fakeFiles({ '/d.yaml': 'tenants: []\nlog: { level: warn }\n' });
    expect(loadConfig({ argv: ['--config=/d.yaml'], env: {}, readFile }).demo).toBe(true);
  });

  it('is not entered when only some GRAPH_* variables are set: that is an error naming the missing ones', () => {
    const error = (() => {
      try {
        loadConfig({ argv: [], env: { GRAPH_CLIENT_ID: 'x' } });
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const lines = (error as ConfigError).problems;
    expect(lines).toContain("tenants[0].authority (GRAPH_AUTHORITY): is required (or tenantId, to use the cloud's login host)");
    expect(lines).toContain(
      'tenants[0].clientSecret (GRAPH_CLIENT_SECRET): tenant "default" needs a client secret (clientSecret or clientSecretFile) or a certificate',
    );
  });
});

describe('the result', () => {
  it('is deeply frozen', () => {
    const config = loadConfig({ argv: [], env: pythonRelayEnv() });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.tenants)).toBe(true);
    expect(Object.isFrozen(config.tenants[0])).toBe(true);
    expect(Object.isFrozen(config.domains[0])).toBe(true);
    expect(Object.isFrozen(config.google.clients[0])).toBe(true);
    expect(Object.isFrozen(config.graph)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('does not share objects between loads', () => {
    const a = loadConfig({ argv: [], env: {} });
    const b = loadConfig({ argv: [], env: {} });
    expect(a.server).not.toBe(b.server);
  });
});
