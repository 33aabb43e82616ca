// The token endpoint to RFC 6749 (2.3.1, 4.4, 5.2), secret rotation, and per-client domains on the EWS endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT, makeTestApp, type TestApp } from './support/app.js';
import { MemorySource } from './support/memory-source.js';
import { defaultNamespaceRequest } from './support/samples.js';
import { expectXsdValid } from './support/xsd.js';

const A = { clientId: 'interop-a', clientSecret: 'secret-a-new-0123456789abcdef0123456789', previousClientSecret: 'secret-a-old-0123456789abcdef0123456789', domains: ['example.com'] };
const B = { clientId: 'interop-b', clientSecret: 'secret-b-0123456789abcdef0123456789abcd', domains: ['private.example'] };

let t: TestApp;
let source: MemorySource;
beforeAll(async () => {
  source = new MemorySource({ 'alice@example.com': { items: [] }, 'dana@private.example': { items: [] } });
  t = await makeTestApp(source, { google: { clients: [CLIENT, A, B] } });
});
afterAll(() => t.app.close());

const form = (body: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/token', payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const tokenOf = async (c: { clientId: string }, secret: string) => {
  const res = await form(`client_id=${c.clientId}&client_secret=${encodeURIComponent(secret)}`);
  expect(res.statusCode).toBe(200);
  return res.json().access_token as string;
};

describe('POST /token (RFC 6749)', () => {
  it('accepts Basic and body credentials together when they agree, and refuses them with invalid_request when they conflict', async () => {
    const agree = await form(`grant_type=client_credentials&client_id=${A.clientId}&client_secret=${A.clientSecret}`, { authorization: basic(A.clientId, A.clientSecret) });
    expect(agree.statusCode).toBe(200);
    for (const body of [`client_id=${B.clientId}`, `client_secret=${B.clientSecret}`, `client_id=${A.clientId}&client_secret=wrong`]) {
      const conflict = await form(`grant_type=client_credentials&${body}`, { authorization: basic(A.clientId, A.clientSecret) });
      expect(conflict.statusCode, body).toBe(400);
      expect(conflict.json()).toMatchObject({ error: 'invalid_request' });
      expect(conflict.headers['cache-control']).toBe('no-store');
    }
  });

  it('answers invalid_request for a missing client_id or client_secret, and for a body that is not a form', async () => {
    for (const body of [`client_id=${A.clientId}`, `client_secret=${A.clientSecret}`, `client_id=&client_secret=${A.clientSecret}`]) {
      const res = await form(body);
      expect(res.statusCode, body).toBe(400);
      expect(res.json().error).toBe('invalid_request');
    }
    const plain = await t.app.inject({ method: 'POST', url: '/token', payload: 'client_id=x', headers: { 'content-type': 'text/plain' } });
    expect(plain.statusCode).toBe(400);
    expect(plain.json()).toMatchObject({ error: 'invalid_request' });
    const gzip = await form(`client_id=${A.clientId}&client_secret=${A.clientSecret}`, { 'content-encoding': 'gzip' });
    expect(gzip.statusCode).toBe(400);
    expect(gzip.json().error_description).toMatch(/Content-Encoding/);
    const huge = await form(`client_id=${A.clientId}&client_secret=${'x'.repeat(20_000)}`);
    expect(huge.statusCode).toBe(400);
    expect(huge.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('answers unsupported_grant_type and 401 invalid_client with a Basic challenge and no-store', async () => {
    const grant = await form(`grant_type=authorization_code&client_id=${A.clientId}&client_secret=${A.clientSecret}`);
    expect(grant.statusCode).toBe(400);
    expect(grant.json().error).toBe('unsupported_grant_type');
    const viaBasic = await form('grant_type=client_credentials', { authorization: basic(A.clientId, 'wrong') });
    expect(viaBasic.statusCode).toBe(401);
    expect(viaBasic.json().error).toBe('invalid_client');
    expect(viaBasic.headers['www-authenticate']).toBe('Basic realm="calendar-relay", charset="UTF-8"');
    expect(viaBasic.headers['cache-control']).toBe('no-store');
    expect(viaBasic.headers['pragma']).toBe('no-cache');
    const malformed = await form('', { authorization: 'Basic !!!' });
    expect(malformed.statusCode).toBe(401);
    expect(malformed.headers['www-authenticate']).toMatch(/^Basic /);
  });

  it('accepts both the current and the previous secret of a client during a rotation, and nothing else', async () => {
    await tokenOf(A, A.clientSecret);
    await tokenOf(A, A.previousClientSecret);
    expect((await form(`client_id=${B.clientId}&client_secret=${A.previousClientSecret}`)).statusCode).toBe(401);
    expect((await form(`client_id=${A.clientId}&client_secret=${B.clientSecret}`)).statusCode).toBe(401);
  });
});

describe('clients and their domains', () => {
  const lookup = (mailboxes: string[]) => defaultNamespaceRequest({ mailboxes, start: '2026-12-01T00:00:00Z', end: '2026-12-02T00:00:00Z', view: 'FreeBusy' });
  const codes = (body: string) => [...body.matchAll(/<m:ResponseCode>([^<]*)</g)].map((m) => m[1]);

  it("gives a client's token ErrorProxyRequestNotAllowed for another client's domain, without asking Graph", async () => {
    const before = source.queries.length;
    const a = await t.ews(lookup(['alice@example.com', 'dana@private.example']), await tokenOf(A, A.clientSecret));
    expect(a.status).toBe(200);
    expect(codes(a.body)).toEqual(['NoError', 'ErrorProxyRequestNotAllowed']);
    const b = await t.ews(lookup(['alice@example.com', 'dana@private.example']), await tokenOf(B, B.clientSecret));
    expect(codes(b.body)).toEqual(['ErrorProxyRequestNotAllowed', 'NoError']);
    const asked = source.queries.slice(before).flatMap((q) => q.mailboxes);
    expect(asked.sort()).toEqual(['alice@example.com', 'dana@private.example']);
    const all = await t.ews(lookup(['alice@example.com', 'dana@private.example']));
    expect(codes(all.body)).toEqual(['NoError', 'NoError']);
    await expectXsdValid([a.body, b.body, all.body]);
  });

  it('refuses the token of a client that is no longer configured (removing a client revokes its tokens)', async () => {
    const token = await tokenOf(B, B.clientSecret);
    const without = await makeTestApp(source, { google: { clients: [CLIENT, A] } });
    try {
      const res = await without.ews(lookup(['alice@example.com']), token);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="calendar-relay", error="invalid_token"');
      expect((await without.ews(lookup(['alice@example.com']))).status).toBe(200);
    } finally {
      await without.app.close();
    }
  });
});
