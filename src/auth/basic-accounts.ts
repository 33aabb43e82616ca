// HTTP Basic on the EWS endpoint (Google's "on premises" type): role accounts per domain, scrypt-hashed passwords.
import { createHash } from 'node:crypto';
import { hashPassword, verifyPassword } from './password-hash.js';

export interface BasicAccountConfig {
  username: string;
  passwordHash: string;
}

export type BasicVerdict = { ok: true; username: string; domain: string } | { ok: false };

/** How long a verified username/password pair is remembered: Google sends it on every request. */
const REMEMBER_MS = 5 * 60_000;
const MAX_REMEMBERED = 1000;

export class BasicAccounts {
  /** Username -> its hashes (two entries for one username: both passwords work, for a rotation). */
  private readonly accounts = new Map<string, { hashes: string[]; domain: string }>();
  /** sha256(username, password, hash) -> expiry. Only successes: a failure costs a full scrypt every time. */
  private readonly remembered = new Map<string, number>();
  private dummyHash: Promise<string> | undefined;

  constructor(
    domains: readonly { name: string; basicAuth?: readonly BasicAccountConfig[] }[],
    private readonly now: () => number,
  ) {
    for (const d of domains) {
      for (const a of d.basicAuth ?? []) {
        const username = a.username.toLowerCase();
        const known = this.accounts.get(username);
        if (known) known.hashes.push(a.passwordHash);
        else this.accounts.set(username, { hashes: [a.passwordHash], domain: d.name });
      }
    }
  }

  get enabled(): boolean {
    return this.accounts.size > 0;
  }

  /** Checks an `Authorization: Basic ...` header (RFC 7617: base64 of user:password, UTF-8). */
  async verify(authorization: string): Promise<BasicVerdict> {
    const decoded = Buffer.from(authorization.replace(/^basic\s+/i, '').trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0 || decoded.length > 1024) return { ok: false };
    const username = decoded.slice(0, colon).toLowerCase();
    const password = decoded.slice(colon + 1);
    const account = this.accounts.get(username);
    // An unknown user costs the same scrypt as a known one, so timing does not tell which accounts exist.
    const hashes = account?.hashes ?? [await this.unknownUserHash()];
    const cacheKey = createHash('sha256').update(`${username}\u0000${password}\u0000${hashes.join('\u0000')}`).digest('base64url');
    const expiry = this.remembered.get(cacheKey);
    if (account && expiry !== undefined && expiry > this.now()) return { ok: true, username, domain: account.domain };
    let matches = false;
    for (const hash of hashes) if (await verifyPassword(password, hash)) matches = true;
    if (!account || !matches) return { ok: false };
    this.remember(cacheKey);
    return { ok: true, username, domain: account.domain };
  }

  private remember(key: string): void {
    this.remembered.delete(key);
    this.remembered.set(key, this.now() + REMEMBER_MS);
    // Maps iterate in insertion order: the first key is the least recently verified.
    while (this.remembered.size > MAX_REMEMBERED) this.remembered.delete(this.remembered.keys().next().value!);
  }

  private unknownUserHash(): Promise<string> {
    this.dummyHash ??= hashPassword(createHash('sha256').update(String(Math.random())).digest('base64url'));
    return this.dummyHash;
  }
}
