// scrypt password hashes: round trip, salted, bounded parameters, malformed hashes never match.
import { describe, expect, it } from 'vitest';
import { SCRYPT_HASH } from '../config/edge-schema.js';
import { hashPassword, parsePasswordHash, verifyPassword } from './password-hash.js';

const FAST = { N: 1024, r: 8, p: 1 };

describe('password hashes', () => {
  it('verify the password they were made from and nothing else, and are salted', async () => {
    const a = await hashPassword('correct horse battery staple', FAST);
    const b = await hashPassword('correct horse battery staple', FAST);
    expect(a).toMatch(SCRYPT_HASH);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('use OWASP-level scrypt parameters by default', async () => {
    const hash = await hashPassword('pw');
    expect(parsePasswordHash(hash)).toMatchObject({ N: 16_384, r: 8, p: 1 });
    expect(await verifyPassword('pw', hash)).toBe(true);
  });

  it('never match a malformed hash or one asking for absurd work', async () => {
    const good = await hashPassword('pw', FAST);
    const [, , r, p, salt, key] = good.split('$');
    for (const bad of ['', 'pw', `scrypt$1000$${r}$${p}$${salt}$${key}`, `scrypt$${2 ** 24}$${r}$${p}$${salt}$${key}`, `scrypt$1024$${r}$${p}$${salt}$`, `argon2$1024$${r}$${p}$${salt}$${key}`]) {
      expect(await verifyPassword('pw', bad), bad).toBe(false);
    }
    await expect(hashPassword('')).rejects.toThrow(/empty/);
  });
});
