// Token endpoint and Bearer checks through inject(): what Google needs to connect, and nothing else gets in.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT, makeTestApp, type TestApp } from './support/app.js';
import { MemorySource } from './support/memory-source.js';
import { sample } from './support/samples.js';

let t: TestApp;
let clock = Date.UTC(2026, 10, 28, 12);
beforeAll(async () => {
  t = await makeTestApp(new MemorySource({ 'alice@example.com': { items: [] } }), {}, () => clock);
});
afterAll(() => t.app.close());

const form = (body: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/token', payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('POST /token', () => {
  it('issues an expiring RFC 9068 JWT for client_secret_post, with or without grant_type', async () => {
    for (const body of [`client_id=${CLIENT.clientId}&client_secret=${CLIENT.clientSecret}`, `grant_type=client_credentials&client_id=${CLIENT.clientId}&client_secret=${CLIENT.clientSecret}&scope=anything&resource=x`]) {
      const res = await form(body);
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const json = res.json();
      expect(json).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
      const [header, payload] = (json.access_token as string).split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
      expect(header).toMatchObject({ alg: 'HS256', typ: 'at+jwt' });
      expect(payload).toMatchObject({ sub: CLIENT.clientId, client_id: CLIENT.clientId });
      expect(payload.exp - payload.iat).toBe(3600);
      expect(typeof payload.jti).toBe('string');
    }
  });

  it('accepts client_secret_basic', async () => {
    const res = await form('grant_type=client_credentials', { authorization: basic(CLIENT.clientId, CLIENT.clientSecret) });
    expect(res.statusCode).toBe(200);
  });

  it('refuses bad credentials with RFC 6749 errors, never 200', async () => {
    const wrong = await form(`client_id=${CLIENT.clientId}&client_secret=wrong`);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: 'invalid_client' });
    const unknown = await form(`client_id=nobody&client_secret=${CLIENT.clientSecret}`);
    expect(unknown.statusCode).toBe(401);
    const basicWrong = await form('', { authorization: basic(CLIENT.clientId, 'nope') });
    expect(basicWrong.statusCode).toBe(401);
    expect(basicWrong.headers['www-authenticate']).toMatch(/^Basic realm=/);
    const missing = await form('grant_type=client_credentials');
    expect(missing.statusCode).toBe(401);
    const grant = await form(`grant_type=password&client_id=${CLIENT.clientId}&client_secret=${CLIENT.clientSecret}`);
    expect(grant.statusCode).toBe(400);
    expect(grant.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const json = await t.app.inject({ method: 'POST', url: '/token', payload: { client_id: CLIENT.clientId } });
    expect(json.statusCode).toBe(400);
    expect(json.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('Bearer on the EWS endpoint', () => {
  const xml = sample('google-style-getuseravailability-request.xml');
  it('answers 401 with a Bearer challenge without a token', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/', payload: xml, headers: { 'content-type': 'text/xml' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="calendar-relay"');
  });

  it('refuses forged, foreign-key, alg none and expired tokens with invalid_token', async () => {
    const good = await t.token();
    const [h, p] = good.split('.');
    const forged = `${h}.${p}.${'A'.repeat(43)}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${p}.`;
    const foreign = await new SignJWT({ client_id: CLIENT.clientId }).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).setSubject(CLIENT.clientId).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode('x'.repeat(32)));
    for (const bad of [forged, none, foreign, 'garbage']) {
      const res = await t.ews(xml, bad);
      expect(res.status, bad.slice(0, 20)).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="calendar-relay", error="invalid_token"');
    }
    clock += 3601_000;
    const expired = await t.ews(xml, good);
    clock -= 3601_000;
    expect(expired.status).toBe(401);
    expect((await t.ews(xml, good)).status).toBe(200);
  });

  it('also serves /EWS/Exchange.asmx and keeps /health-check open', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/EWS/Exchange.asmx', payload: xml, headers: { 'content-type': 'text/xml', authorization: `Bearer ${await t.token()}` } });
    expect(res.statusCode).toBe(200);
    const health = await t.app.inject({ method: 'GET', url: '/health-check' });
    expect(health.statusCode).toBe(200);
  });

  it('answers a non-XML body on / with a SOAP fault once authenticated', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/', payload: '{"a":1}', headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token()}` } });
    expect(res.statusCode).toBe(415);
    expect(res.body).toContain('a:ErrorInvalidRequest');
  });

  it('refuses a body over the size limit with a SOAP fault', async () => {
    const big = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${' '.repeat(1_100_000)}</s:Body></s:Envelope>`;
    const res = await t.app.inject({ method: 'POST', url: '/', payload: big, headers: { 'content-type': 'text/xml', authorization: `Bearer ${await t.token()}` } });
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('a:ErrorInvalidRequest');
  });

  it('never logs the client secret or tokens', async () => {
    await form(`client_id=${CLIENT.clientId}&client_secret=${CLIENT.clientSecret}`);
    const token = await t.token();
    await t.ews(xml, token);
    const all = t.logs.join('');
    expect(all).toContain('ews.lookup');
    expect(all).not.toContain(CLIENT.clientSecret);
    expect(all).not.toContain(token.split('.')[2]);
  });
});
