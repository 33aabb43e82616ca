// The source address allow-list: Google's ranges by default, loopback always, X-Forwarded-For only via trusted proxies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceAccess, VERDICTS_KEPT, normalizeAddress } from '../src/http/source-access.js';
import { makeTestApp, testConfig, type TestApp } from './support/app.js';
import { MemorySource } from './support/memory-source.js';

let t: TestApp;
let proxied: TestApp;
let demo: TestApp;
beforeAll(async () => {
  const source = new MemorySource({});
  t = await makeTestApp(source);
  proxied = await makeTestApp(source, { access: { trustedProxies: ['10.0.0.0/8'], allowedSources: [...testConfig().access.allowedSources, '192.0.2.7'] } });
  // No tenant: demo mode, as the loader decides it.
  demo = await makeTestApp(source, { tenants: [], domains: [] });
});
afterAll(async () => {
  await Promise.all([t.app.close(), proxied.app.close(), demo.app.close()]);
});

const call = (app: TestApp, remoteAddress: string, headers: Record<string, string> = {}, url = '/token') =>
  app.app.inject({ method: 'POST', url, remoteAddress, payload: 'grant_type=client_credentials', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });

describe('source allow-list', () => {
  it("lets in Google's IPv4 and IPv6 ranges (IPv4-mapped too) and loopback, and refuses others with 403 and a log line", async () => {
    for (const address of ['74.125.88.1', '74.125.88.31', '::ffff:74.125.88.5', '2001:4860:4::1234', '2a00:1450:4:0:ffff::1', '127.0.0.1', '127.8.9.10', '::1']) {
      expect((await call(t, address)).statusCode, address).toBe(401);
    }
    for (const address of ['74.125.88.32', '::ffff:74.125.88.32', '203.0.113.9', '2001:4860:5::1', '10.1.2.3']) {
      const res = await call(t, address);
      expect(res.statusCode, address).toBe(403);
      expect(res.body).toBe('This source address may not use the relay.');
    }
    const ews = await call(t, '203.0.113.9', {}, '/');
    expect(ews.statusCode).toBe(403);
    const refusals = t.logs.filter((l) => l.includes('"event":"access.refused"'));
    expect(refusals.some((l) => l.includes('"address":"203.0.113.9"') && l.includes('"level":40'))).toBe(true);
  });

  it('keeps /health-check open to load balancer probes', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health-check', remoteAddress: '203.0.113.9' })).statusCode).toBe(200);
  });

  it('ignores X-Forwarded-For from an untrusted peer, and follows it from a trusted proxy to the first untrusted hop', async () => {
    expect((await call(t, '203.0.113.9', { 'x-forwarded-for': '74.125.88.1' })).statusCode).toBe(403);
    expect((await call(t, '74.125.88.1', { 'x-forwarded-for': '203.0.113.9' })).statusCode).toBe(401);
    expect((await call(proxied, '10.0.0.1', { 'x-forwarded-for': '74.125.88.1' })).statusCode).toBe(401);
    expect((await call(proxied, '10.0.0.1', { 'x-forwarded-for': '203.0.113.9' })).statusCode).toBe(403);
    // The client may prepend anything; only the hop the trusted proxy saw counts.
    expect((await call(proxied, '10.0.0.1', { 'x-forwarded-for': '74.125.88.1, 203.0.113.9, 10.0.0.2' })).statusCode).toBe(403);
    expect((await call(proxied, '10.0.0.1', { 'x-forwarded-for': '203.0.113.9, 74.125.88.1, 10.0.0.2' })).statusCode).toBe(401);
    expect((await call(proxied, '10.0.0.1', { 'x-forwarded-for': 'garbage' })).statusCode).toBe(403);
    expect((await call(proxied, '192.0.2.7')).statusCode).toBe(401);
  });

  it('is off in demo mode unless switched on, and can be switched off', async () => {
    expect((await call(demo, '203.0.113.9')).statusCode).toBe(401);
    const off = new SourceAccess(testConfig({ access: { allowList: 'off' } }).access, false);
    expect(off.allows('203.0.113.9')).toBe(true);
  });

  it('gives the same verdicts from its memory, also after more distinct addresses than it keeps', () => {
    const access = new SourceAccess(testConfig({ access: { trustedProxies: ['10.0.0.0/8'] } }).access, true);
    const ask = () => [access.allows('74.125.88.1'), access.allows('203.0.113.9'), access.allows('::1'), access.clientAddress('10.0.0.1', '203.0.113.9, 10.2.3.4')];
    const expected = [true, false, true, '203.0.113.9'];
    expect(ask()).toEqual(expected);
    expect(ask()).toEqual(expected);
    for (let i = 0; i <= VERDICTS_KEPT; i++) expect(access.allows(`198.51.${i >> 8}.${i & 255}`)).toBe(false);
    expect(ask()).toEqual(expected);
  });

  it('keeps its own memory: two instances with the same lists share no verdicts', () => {
    type Memo = (address: string) => boolean;
    const a = new SourceAccess(testConfig().access, true);
    const b = new SourceAccess(testConfig().access, true);
    expect((a as unknown as { loopback: Memo }).loopback).not.toBe((b as unknown as { loopback: Memo }).loopback);
    expect(a.allows('127.0.0.1')).toBe(true);
    expect(b.allows('127.0.0.1')).toBe(true);
  });

  it('normalises IPv4-mapped IPv6 addresses', () => {
    expect(normalizeAddress('::FFFF:74.125.88.1')).toBe('74.125.88.1');
    expect(normalizeAddress('2001:db8::1')).toBe('2001:db8::1');
  });
});
