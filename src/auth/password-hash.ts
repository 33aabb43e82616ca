// Password hashes for HTTP Basic role accounts: scrypt (node:crypto) in a self-describing string, never clear text.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt$N$r$p$salt$hash, salt and hash base64url. N = 2^14, r = 8 (16 MiB, about 50 ms): OWASP's scrypt floor. */
const DEFAULT_SCRYPT = { N: 16_384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
/** Bounds on what a configured hash may ask for, so a typo cannot make each check cost seconds or gigabytes. */
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 16;

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

const memoryFor = (N: number, r: number) => 128 * N * r + 1024 * 1024;

/** A new hash of `password` for the configuration (`domains[].basicAuth[].passwordHash`). */
export async function hashPassword(password: string, params: { N: number; r: number; p: number } = DEFAULT_SCRYPT): Promise<string> {
  if (password.length === 0) throw new Error('the password is empty');
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, { ...params, maxmem: memoryFor(params.N, params.r) });
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

export function parsePasswordHash(hash: string): ParsedHash | undefined {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const powerOfTwo = Number.isInteger(N) && N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > MAX_N || !(r >= 1 && r <= MAX_R) || !(p >= 1 && p <= MAX_P)) return undefined;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const key = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 8 || key.length < 16) return undefined;
  return { N, r, p, salt, key };
}

/** True when `password` matches `hash`; comparison in constant time. A malformed hash never matches. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parsed = parsePasswordHash(hash);
  if (!parsed) return false;
  const { N, r, p, salt, key } = parsed;
  const derived = await new Promise<Buffer>((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, key.length, { N, r, p, maxmem: memoryFor(N, r) }, (err, k) => (err ? reject(err) : resolve(k)));
  });
  return timingSafeEqual(derived, key);
}
