// HTTP Basic on the EWS endpoint for a domain's role account (Google's "on premises" type), and RFC 6750 challenges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/auth/password-hash.js';
import { makeTestApp, testConfig, type TestApp } from './support/app.js';
import { MemorySource } from './support/memory-source.js';
import { defaultNamespaceRequest } from './support/samples.js';
import { expectXsdValid } from './support/xsd.js';

const ROLE = 'role@private.example';
const PASSWORD = 'p@ss:wörd-0123456789';
const NEW_PASSWORD = 'rotated-password-9876543210';
const xml = defaultNamespaceRequest({ mailboxes: ['dana@private.example', 'alice@example.com'], start: '2026-12-01T00:00:00Z', end: '2026-12-02T00:00:00Z', view: 'FreeBusy' });
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
const codes = (body: string) => [...body.matchAll(/<m:ResponseCode>([^<]*)</g)].map((m) => m[1]);

let t: TestApp;
let plain: TestApp;
let basicDomains: ReturnType<typeof testConfig>['domains'];
beforeAll(async () => {
  const source = new MemorySource({ 'alice@example.com': { items: [] }, 'dana@private.example': { items: [] } });
  const passwordHash = await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 });
  const newHash = await hashPassword(NEW_PASSWORD, { N: 1024, r: 8, p: 1 });
  const basicAuth = [{ username: ROLE, passwordHash }, { username: ROLE, passwordHash: newHash }];
  const domains = testConfig().domains.map((d) => (d.name === 'private.example' ? { ...d, basicAuth } : d));
  basicDomains = domains;
  t = await makeTestApp(source, { domains });
  plain = await makeTestApp(source);
});
afterAll(async () => {
  await t.app.close();
  await plain.app.close();
});

const post = (app: TestApp, authorization?: string) =>
  app.app.inject({ method: 'POST', url: '/', payload: xml, headers: { 'content-type': 'text/xml', ...(authorization ? { authorization } : {}) } });

describe('Basic authentication on the EWS endpoint', () => {
  it("answers the role account's own domain and refuses the others with ErrorProxyRequestNotAllowed", async () => {
    for (const user of [ROLE, ROLE.toUpperCase()]) {
      const res = await post(t, basic(user, PASSWORD));
      expect(res.statusCode, user).toBe(200);
      expect(codes(res.body)).toEqual(['NoError', 'ErrorProxyRequestNotAllowed']);
      await expectXsdValid(res.body);
    }
    expect(t.logs.join('')).toContain('"clientId":"basic:role@private.example"');
  });

  it('accepts both passwords of an account listed twice, for a rotation', async () => {
    expect((await post(t, basic(ROLE, NEW_PASSWORD))).statusCode).toBe(200);
    expect((await post(t, basic(ROLE, PASSWORD))).statusCode).toBe(200);
  });

  it('refuses a wrong password, an unknown account and malformed credentials with both challenges', async () => {
    for (const auth of [basic(ROLE, 'wrong'), basic('nobody@private.example', PASSWORD), 'Basic ' + Buffer.from('no-colon').toString('base64'), 'Basic ###']) {
      const res = await post(t, auth);
      expect(res.statusCode, auth).toBe(401);
      expect(res.headers['www-authenticate']).toEqual(['Bearer realm="calendar-relay"', 'Basic realm="calendar-relay", charset="UTF-8"']);
    }
  });

  it('stops checking passwords from an address after too many failed logins, and not for other addresses', async () => {
    const limited = await makeTestApp(new MemorySource({ 'dana@private.example': { items: [] } }), {
      domains: basicDomains,
      rateLimits: { basicFailuresPerAddress: 3 },
    });
    try {
      const attempt = (password: string, remoteAddress: string) =>
        limited.app.inject({ method: 'POST', url: '/', remoteAddress, payload: xml, headers: { 'content-type': 'text/xml', authorization: basic(ROLE, password) } });
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await attempt(`guess-${i}`, '127.0.0.5')).statusCode);
      expect(codes).toEqual([401, 401, 401, 429]);
      const locked = await attempt(PASSWORD, '127.0.0.5');
      expect(locked.statusCode).toBe(429);
      expect(locked.body).toContain('a:ErrorServerBusy');
      expect((await attempt(PASSWORD, '127.0.0.6')).statusCode).toBe(200);
    } finally {
      await limited.app.close();
    }
  });

  it('is not offered where no domain has a role account: Basic is then refused with the Bearer challenge only', async () => {
    const res = await post(plain, basic(ROLE, PASSWORD));
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="calendar-relay"');
  });
});

describe('401 answers (RFC 6750 section 3)', () => {
  it('carry no error code without credentials, and error="invalid_token" for a bad token', async () => {
    const none = await post(plain);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="calendar-relay"');
    expect(none.headers['cache-control']).toBe('no-store');
    const bad = await post(plain, 'Bearer not.a.token');
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['www-authenticate']).toBe('Bearer realm="calendar-relay", error="invalid_token"');
    const other = await post(plain, 'Negotiate abc');
    expect(other.headers['www-authenticate']).toBe('Bearer realm="calendar-relay"');
  });
});
