// Access token rotation by kid, replicas verifying each other, and the constant-time client check.
import * as crypto from 'node:crypto';
import { SignJWT, decodeProtectedHeader } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { AccessTokens, VERIFIED_KEPT } from './access-tokens.js';
import { authenticateClient } from './client-credentials.js';

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

const OLD = 'old-signing-key-0123456789abcdef0123456789';
const NEW = 'new-signing-key-0123456789abcdef0123456789';
const now = () => Date.UTC(2026, 10, 28, 12);
const tokens = (signingKey: string, previousKeys?: string[]) =>
  new AccessTokens({ signingKey, lifetimeSeconds: 3600, issuer: 'https://relay.example', now, ...(previousKeys ? { previousKeys } : {}) });

describe('AccessTokens', () => {
  it('lets every replica with the same key verify every other replica’s tokens', async () => {
    const issued = await tokens(NEW).issue('client-a');
    expect(await tokens(NEW).verify(issued.accessToken)).toEqual({ ok: true, token: { clientId: 'client-a' } });
    expect((await tokens(OLD).verify(issued.accessToken)).ok).toBe(false);
  });

  it('rotates: the new key signs (with its kid), the previous key still verifies, and a dropped key no longer does', async () => {
    const old = await tokens(OLD).issue('client-a');
    const rotated = tokens(NEW, [OLD]);
    const fresh = await rotated.issue('client-a');
    expect(decodeProtectedHeader(fresh.accessToken).kid).not.toBe(decodeProtectedHeader(old.accessToken).kid);
    expect(decodeProtectedHeader(fresh.accessToken)).toMatchObject({ alg: 'HS256', typ: 'at+jwt', kid: expect.any(String) });
    expect((await rotated.verify(old.accessToken)).ok).toBe(true);
    expect((await rotated.verify(fresh.accessToken)).ok).toBe(true);
    expect((await tokens(NEW).verify(old.accessToken)).ok).toBe(false);
    // A replica not yet rotated verifies new tokens only once it has the new key.
    expect((await tokens(OLD).verify(fresh.accessToken)).ok).toBe(false);
    expect((await tokens(OLD, [NEW]).verify(fresh.accessToken)).ok).toBe(true);
  });

  it('refuses a token whose kid names a key it does not hold, or names a previous key but was signed with another', async () => {
    const fresh = await tokens(NEW).issue('client-a');
    const [, payload, signature] = fresh.accessToken.split('.');
    const oldKid = decodeProtectedHeader((await tokens(OLD).issue('x')).accessToken).kid;
    for (const kid of ['unknown', oldKid]) {
      const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid })).toString('base64url');
      expect((await tokens(NEW, [OLD]).verify(`${header}.${payload}.${signature}`)).ok, String(kid)).toBe(false);
    }
    const key = crypto.createHash('sha256').update(`calendar-relay token key\u0000${OLD}`).digest();
    const wrongAudience = await new SignJWT({ client_id: 'client-a' })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: oldKid! })
      .setIssuer('https://relay.example').setAudience('someone-else').setSubject('client-a').setIssuedAt(now() / 1000).setExpirationTime(now() / 1000 + 60).setJti('j')
      .sign(key);
    expect(await tokens(NEW, [OLD]).verify(wrongAudience)).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('AccessTokens memory of verified tokens', () => {
  it('is bounded, and keeps a token in use while others come and go (the least recently used goes, alone)', async () => {
    const t = tokens(NEW);
    const verified = (t as unknown as { verified: { has(token: string): boolean; size: number } }).verified;
    const inUse = (await t.issue('client-a')).accessToken;
    expect((await t.verify(inUse)).ok).toBe(true);
    for (let i = 0; i < VERIFIED_KEPT + 5; i++) {
      expect((await t.verify((await t.issue(`client-${i}`)).accessToken)).ok).toBe(true);
      expect(verified.has(inUse)).toBe(true);
      if (i % 100 === 0) await t.verify(inUse);
    }
    expect(verified.size).toBe(VERIFIED_KEPT);
  });
});

describe('authenticateClient', () => {
  const clients = [
    { clientId: 'a', clientSecret: 'sa', previousClientSecret: 'sa-old' },
    { clientId: 'b', clientSecret: 'sb' },
    { clientId: 'c', clientSecret: 'sc' },
  ];
  const comparisons = (id: string, secret: string) => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    const found = authenticateClient(clients, id, secret);
    return { found: found?.clientId, calls: spy.mock.calls.length };
  };

  it('does the same comparisons for a known id, an unknown id and a wrong secret (no early return)', () => {
    const known = comparisons('a', 'sa');
    const previous = comparisons('a', 'sa-old');
    const unknown = comparisons('nobody', 'sa');
    const wrong = comparisons('b', 'nope');
    const last = comparisons('c', 'sc');
    expect([known.found, previous.found, unknown.found, wrong.found, last.found]).toEqual(['a', 'a', undefined, undefined, 'c']);
    expect(new Set([known.calls, previous.calls, unknown.calls, wrong.calls, last.calls])).toEqual(new Set([clients.length * 3]));
  });
});
