// The fake Graph on the wire, independent of the relay: Entra and Graph answers, errors and injected faults.
import { SignJWT, importPKCS8 } from 'jose';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraph, type FakeGraph } from '../src/demo/fake-graph.js';
import { generateClientCertificate, sha256Thumbprint, type ClientCertificate } from '../src/demo/tls.js';

const TENANT = 'tid-1';
const T0 = Date.UTC(2026, 11, 1);
const hour = 3_600_000;
let clock = T0;
let fake: FakeGraph;
let agent: Agent;
let cert: ClientCertificate;

beforeAll(async () => {
  cert = await generateClientCertificate();
  fake = await startFakeGraph({
    now: () => clock,
    tokenLifetimeSeconds: 600,
    tenants: [
      {
        tenantId: TENANT,
        apps: [{ clientId: 'app', clientSecret: 's3cret', certificates: [cert.cert] }],
        mailboxes: {
          'Alice@example.com': {
            workingHours: { daysOfWeek: ['monday'], startTime: '08:00:00.0000000', endTime: '17:00:00.0000000', timeZone: { name: 'UTC' } },
            events: [
              { start: T0 + hour, end: T0 + 2 * hour, status: 'busy', subject: 'Standup', location: 'Room', recurrence: { frequency: 'daily', count: 3 } },
              { start: T0 - hour, end: T0 + 30 * 60_000, status: 'tentative', subject: 'Early' },
              { start: T0 + 3 * hour, end: T0 + 4 * hour, status: 'oof', subject: 'Secret', location: 'Home', isPrivate: true },
            ],
          },
          'broken@example.com': { workingHours: { daysOfWeek: [], startTime: '', endTime: '', timeZone: { name: 'UTC' } }, events: [], error: { responseCode: '5010', message: 'nope' } },
        },
      },
    ],
  });
  agent = new Agent({ connect: { ca: fake.ca } });
});
afterAll(async () => {
  await agent.close();
  await fake.close();
});

/** Parsed JSON, loosely typed for property paths; arrays and strings are cast where used. */
type Wire = { [key: string]: Wire };
interface WireItem {
  status: string;
  subject?: string;
  start: { dateTime: string };
}

async function call(method: 'GET' | 'POST', path: string, body?: string, headers: Record<string, string> = {}) {
  const res = await request(`${fake.url}${path}`, { method, body, headers, dispatcher: agent });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: JSON.parse(text) as Wire };
}
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const tokenPath = `/${TENANT}/oauth2/v2.0/token`;
async function token(): Promise<string> {
  const r = await call('POST', tokenPath, form({ grant_type: 'client_credentials', client_id: 'app', client_secret: 's3cret', scope: `${fake.url}/.default` }));
  return r.json.access_token as unknown as string;
}
const window = (start: number, end: number, extra: object = {}) =>
  JSON.stringify({ startTime: { dateTime: new Date(start).toISOString().slice(0, 19), timeZone: 'UTC' }, endTime: { dateTime: new Date(end).toISOString().slice(0, 19), timeZone: 'UTC' }, availabilityViewInterval: 60, ...extra });
const schedulePath = (mailbox: string) => `/v1.0/users/${encodeURIComponent(mailbox)}/calendar/getSchedule`;

describe('fake Entra', () => {
  it('serves OpenID metadata pointing at itself, and AADSTS90002 for an unknown tenant', async () => {
    const ok = await call('GET', `/${TENANT}/v2.0/.well-known/openid-configuration`);
    expect(ok.json).toMatchObject({ token_endpoint: `${fake.url}${tokenPath}`, issuer: `${fake.url}/${TENANT}/v2.0`, authorization_endpoint: expect.stringContaining(fake.url), jwks_uri: expect.any(String) });
    const bad = await call('GET', '/other/v2.0/.well-known/openid-configuration');
    expect(bad.status).toBe(400);
    expect(bad.json.error_description).toMatch(/^AADSTS90002/);
  });

  it('issues Bearer tokens for the right secret and answers invalid_client AADSTS7000215 for a wrong one', async () => {
    const good = await call('POST', tokenPath, form({ grant_type: 'client_credentials', client_id: 'app', client_secret: 's3cret', scope: `${fake.url}/.default` }));
    expect(good.status).toBe(200);
    expect(good.headers['cache-control']).toContain('no-store');
    expect(good.json).toEqual({ token_type: 'Bearer', expires_in: 600, ext_expires_in: 600, access_token: expect.any(String) });
    const bad = await call('POST', tokenPath, form({ grant_type: 'client_credentials', client_id: 'app', client_secret: 'nope', scope: `${fake.url}/.default` }));
    expect(bad.status).toBe(401);
    expect(bad.json).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    const unknown = await call('POST', '/other/oauth2/v2.0/token', form({ grant_type: 'client_credentials', client_id: 'app', client_secret: 's3cret', scope: 'x/.default' }));
    expect(unknown.status).toBe(400);
    expect(unknown.json.error_description).toMatch(/^AADSTS90002/);
  });

  it('accepts a client assertion signed by the registered certificate and rejects a forged one', async () => {
    const assertion = async (privateKey: string) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'PS256', typ: 'JWT', 'x5t#S256': Buffer.from(sha256Thumbprint(cert.cert), 'hex').toString('base64url') })
        .setIssuer('app')
        .setSubject('app')
        .setAudience(`${fake.url}${tokenPath}`)
        .setExpirationTime(Math.floor(clock / 1000) + 600)
        .sign(await importPKCS8(privateKey, 'PS256'));
    const fields = (a: string) => form({ grant_type: 'client_credentials', client_id: 'app', scope: `${fake.url}/.default`, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: a });
    expect((await call('POST', tokenPath, fields(await assertion(cert.privateKey)))).status).toBe(200);
    const other = await generateClientCertificate();
    const forged = await call('POST', tokenPath, fields(await assertion(other.privateKey)));
    expect(forged.status).toBe(401);
    expect(forged.json.error_codes).toEqual([700027]);
  });
});

describe('fake Graph getSchedule', () => {
  it('requires a bearer token it issued, and rejects it once expired', async () => {
    const none = await call('POST', schedulePath('alice@example.com'), window(T0, T0 + hour, { schedules: ['alice@example.com'] }));
    expect(none.status).toBe(401);
    expect(none.json.error?.code).toBe('InvalidAuthenticationToken');
    const t = await token();
    clock += 601_000;
    const expired = await call('POST', schedulePath('alice@example.com'), window(T0, T0 + hour, { schedules: ['alice@example.com'] }), { authorization: `Bearer ${t}` });
    clock = T0;
    expect(expired.status).toBe(401);
  });

  it('answers items overlapping the window whole, expands recurrences, blanks private details and computes the view', async () => {
    const t = await token();
    const r = await call('POST', schedulePath('ALICE@example.com'), window(T0, T0 + 28 * hour, { schedules: ['alice@EXAMPLE.com', 'nobody@example.com', 'broken@example.com'] }), { authorization: `Bearer ${t}`, 'client-request-id': 'c-1' });
    expect(r.status).toBe(200);
    expect(r.headers['client-request-id']).toBe('c-1');
    const [alice, nobody, broken] = r.json.value as unknown as Wire[];
    expect(alice?.scheduleId).toBe('Alice@example.com');
    expect((alice?.scheduleItems as unknown as WireItem[]).map((i) => [i.status, i.subject, i.start.dateTime])).toEqual([
      ['tentative', 'Early', '2026-11-30T23:00:00.0000000'],
      ['busy', 'Standup', '2026-12-01T01:00:00.0000000'],
      ['oof', undefined, '2026-12-01T03:00:00.0000000'],
      ['busy', 'Standup', '2026-12-02T01:00:00.0000000'],
    ]);
    expect(alice?.scheduleItems?.[2]).toMatchObject({ isPrivate: true });
    expect(alice?.scheduleItems?.[2]).not.toHaveProperty('location');
    expect(alice?.availabilityView).toBe('1203000000000000000000000200');
    expect(alice?.availabilityView).toHaveLength(28);
    expect(nobody).toEqual({ scheduleId: 'nobody@example.com', error: { message: expect.stringContaining('Unable to resolve'), responseCode: '5009' } });
    expect(broken).toEqual({ scheduleId: 'broken@example.com', error: { message: 'nope', responseCode: '5010' } });
  });

  it('validates like Graph: unknown URL user, window of 62 days, >100 schedules, null interval', async () => {
    const auth = { authorization: `Bearer ${await token()}` };
    const ids = { schedules: ['alice@example.com'] };
    const missing = await call('POST', schedulePath('ghost@example.com'), window(T0, T0 + hour, ids), auth);
    expect([missing.status, missing.json.error?.code]).toEqual([404, 'ErrorInvalidUser']);
    const long = await call('POST', schedulePath('alice@example.com'), window(T0, T0 + 62 * 24 * hour, ids), auth);
    expect([long.status, long.json.error?.code]).toEqual([400, 'ErrorTimeIntervalTooBig']);
    const justUnder = await call('POST', schedulePath('alice@example.com'), window(T0, T0 + 62 * 24 * hour - 60_000, ids), auth);
    expect(justUnder.status).toBe(200);
    const many = await call('POST', schedulePath('alice@example.com'), window(T0, T0 + hour, { schedules: Array.from({ length: 101 }, (_, i) => `u${i}@example.com`) }), auth);
    expect(many.status).toBe(400);
    const nullInterval = await call('POST', schedulePath('alice@example.com'), window(T0, T0 + hour, { ...ids, availabilityViewInterval: null }), auth);
    expect(nullInterval.status).toBe(500);
    const badZone = await call('POST', schedulePath('alice@example.com'), window(T0, T0 + hour, ids).replaceAll('"UTC"', '"Mars/Olympus"'), auth);
    expect(badZone.status).toBe(400);
  });

  it('consumes armed faults in order and only on matching endpoints', async () => {
    const auth = { authorization: `Bearer ${await token()}` };
    const body = window(T0, T0 + hour, { schedules: ['alice@example.com'] });
    fake.failNext({ path: 'getSchedule', status: 429, retryAfterSeconds: 7, times: 2 });
    fake.failNext({ path: 'getSchedule', status: 504 });
    const statuses: (number | string | undefined)[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await call('POST', schedulePath('alice@example.com'), body, auth);
      statuses.push(r.status, r.headers['retry-after'] as string | undefined);
    }
    expect(statuses).toEqual([429, '7', 429, '7', 504, undefined, 200, undefined]);
    fake.failNext({ path: 'token', status: 503 });
    expect((await call('POST', schedulePath('alice@example.com'), body, auth)).status).toBe(200);
    fake.clearFaults();
  });
});
