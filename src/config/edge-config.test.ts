// Loading the edge and rotation settings: environment variables, defaults, and refusals (clear passwords, bad ranges).
import { describe, expect, it } from 'vitest';
import { GOOGLE_INTEROP_RANGES } from './edge-schema.js';
import { loadConfig } from './load.js';
import { fakeFiles, GOOGLE_SECRET, problemLines, pythonRelayEnv, SIGNING_KEY, thrownMessage } from './test-support.js';

const PREVIOUS_KEY = 'previous-signing-key-0123456789abcdef0123';

describe('edge settings', () => {
  it('default to the Google ranges, no trusted proxy, and finite limits', () => {
    const config = loadConfig({ argv: [], env: pythonRelayEnv() });
    expect(config.access).toEqual({ allowList: 'auto', allowedSources: [...GOOGLE_INTEROP_RANGES], trustedProxies: [] });
    expect(config.rateLimits.tokenPerAddress).toBe(60);
    expect(config.concurrency.maxLookups).toBe(64);
    expect(config.timeouts.headersMs).toBe(10_000);
    expect(config.tls).toBeUndefined();
    expect(config.server.plainHttp).toBeUndefined();
  });

  it('read the new environment variables, and keep the old names working beside them', () => {
    const config = loadConfig({
      argv: [],
      env: {
        ...pythonRelayEnv(),
        TOKEN_SIGNING_KEY: SIGNING_KEY,
        TOKEN_PREVIOUS_SIGNING_KEY_FILE: '/run/prev',
        GOOGLE_PREVIOUS_CLIENT_SECRET: 'old-google-secret',
        RELAY_PLAIN_HTTP: 'true',
        TLS_CERT_FILE: '/tls/crt',
        TLS_KEY_FILE: '/tls/key',
        RELAY_ALLOW_LIST: 'on',
        RELAY_ALLOWED_SOURCES: '74.125.88.0/27, 192.0.2.1',
        RELAY_TRUSTED_PROXIES: '10.0.0.0/8,::1',
      },
      readFile: fakeFiles({ '/run/prev': `${PREVIOUS_KEY}\n` }),
    });
    expect(config.tokens).toEqual({ signingKey: SIGNING_KEY, lifetimeSeconds: 3600, previousKeys: [PREVIOUS_KEY] });
    expect(config.google.clients).toEqual([{ clientId: 'calendar-interop', clientSecret: GOOGLE_SECRET, previousClientSecret: 'old-google-secret' }]);
    expect(config.server.plainHttp).toBe(true);
    expect(config.tls).toEqual({ certFile: '/tls/crt', keyFile: '/tls/key', minVersion: 'TLSv1.2', reloadCheckMs: 30_000 });
    expect(config.access).toEqual({ allowList: 'on', allowedSources: ['74.125.88.0/27', '192.0.2.1'], trustedProxies: ['10.0.0.0/8', '::1'] });
  });

  it('take per-client domains and per-domain Basic role accounts from YAML', () => {
    const yaml = [
      'google:',
      '  clients:',
      '    - { clientId: a, clientSecret: sa, domains: [Example.com] }',
      'tenants: [{ authority: "https://login.microsoftonline.com/t", clientId: x, clientSecret: y }]',
      'domains:',
      '  - name: example.com',
      '    basicAuth:',
      `      - { username: role@example.com, passwordHash: "scrypt$16384$8$1$${'A'.repeat(22)}$${'B'.repeat(43)}" }`,
    ].join('\n');
    const config = loadConfig({ argv: ['--config', '/c.yaml'], env: {}, readFile: fakeFiles({ '/c.yaml': yaml }) });
    expect(config.google.clients[0]?.domains).toEqual(['example.com']);
    expect(config.domains[0]?.basicAuth?.[0]?.username).toBe('role@example.com');
  });

  it('refuse a clear-text password, bad ranges, a client domain not served, a bad boolean and a short previous key, naming each setting', () => {
    const yaml = [
      'access: { allowedSources: ["74.125.88.0/33", "not-an-ip"], trustedProxies: ["10.0.0.0/8/9"] }',
      'tenants: [{ authority: "https://login.microsoftonline.com/t", clientId: x, clientSecret: y }]',
      'google: { clients: [{ clientId: a, clientSecret: sa, domains: [example.com, exmaple.com] }] }',
      'domains: [{ name: example.com, basicAuth: [{ username: role@example.com, passwordHash: "hunter2" }] }]',
    ].join('\n');
    const message = thrownMessage(() =>
      loadConfig({ argv: ['--config', '/c.yaml'], env: { RELAY_PLAIN_HTTP: 'yes', TOKEN_PREVIOUS_SIGNING_KEY: 'short' }, readFile: fakeFiles({ '/c.yaml': yaml }) }),
    );
    const lines = problemLines(message);
    expect(lines.some((l) => l.startsWith('access.allowedSources[0]'))).toBe(true);
    expect(lines.some((l) => l.startsWith('access.allowedSources[1]'))).toBe(true);
    expect(lines.some((l) => l.startsWith('access.trustedProxies[0]'))).toBe(true);
    expect(lines.some((l) => l.startsWith('domains[0].basicAuth[0].passwordHash') && l.includes('never a clear password'))).toBe(true);
    expect(lines.some((l) => l.startsWith('server.plainHttp (RELAY_PLAIN_HTTP)'))).toBe(true);
    expect(lines.some((l) => l.startsWith('tokens.previousSigningKey (TOKEN_PREVIOUS_SIGNING_KEY'))).toBe(true);
    expect(lines.some((l) => l.startsWith('google.clients[0].domains[1]: names domain "exmaple.com"'))).toBe(true);
    expect(lines.some((l) => l.startsWith('google.clients[0].domains[0]'))).toBe(false);
    expect(message).not.toContain('hunter2');
  });
});
