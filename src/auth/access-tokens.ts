// Access tokens for Google: RFC 9068 JWTs signed with a configured key, verifiable by every replica.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { BoundedMap } from '../bounded-map.js';

export interface TokenIssuerOptions {
  /** Shared HMAC key material; when absent a random per-process key is used (single replica only). */
  signingKey?: string;
  /** Former signing keys: tokens they signed still verify (picked by `kid`), new tokens never use them. */
  previousKeys?: readonly string[];
  lifetimeSeconds: number;
  issuer: string;
  now: () => number;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

export interface VerifiedToken {
  clientId: string;
}

export type TokenVerdict = { ok: true; token: VerifiedToken } | { ok: false; reason: 'expired' | 'invalid' };

const AUDIENCE = 'calendar-relay:ews';

/** Any length of configured secret is stretched to a uniform 256-bit HS256 key. */
const deriveKey = (secret: string) => createHash('sha256').update(`calendar-relay token key\u0000${secret}`).digest();

/** A key id that names a key without revealing it: every replica with the same key computes the same kid. */
const keyId = (key: Uint8Array) => createHash('sha256').update('calendar-relay kid\u0000').update(key).digest('base64url').slice(0, 16);

/** Verified tokens remembered (each Google client holds one at a time). */
export const VERIFIED_KEPT = 1024;

export class AccessTokens {
  private readonly key: Uint8Array;
  private readonly kid: string;
  private readonly verifying: ReadonlyMap<string, Uint8Array>;
  readonly ephemeral: boolean;
  /**
   * Tokens already verified, with their expiry: Google reuses one token for up to an hour, and an HMAC check
   * through WebCrypto costs more than the rest of a cached lookup. Bounded: when full, the least recently used goes.
   */
  private readonly verified = new BoundedMap<string, { clientId: string; expiresAt: number }>(VERIFIED_KEPT);

  constructor(private readonly options: TokenIssuerOptions) {
    this.ephemeral = !options.signingKey;
    this.key = options.signingKey ? deriveKey(options.signingKey) : randomBytes(32);
    this.kid = keyId(this.key);
    const keys = new Map<string, Uint8Array>([[this.kid, this.key]]);
    for (const previous of options.previousKeys ?? []) {
      const k = deriveKey(previous);
      if (!keys.has(keyId(k))) keys.set(keyId(k), k);
    }
    this.verifying = keys;
  }

  async issue(clientId: string): Promise<IssuedToken> {
    const iat = Math.floor(this.options.now() / 1000);
    const accessToken = await new SignJWT({ client_id: clientId })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: this.kid })
      .setIssuer(this.options.issuer)
      .setAudience(AUDIENCE)
      .setSubject(clientId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.options.lifetimeSeconds)
      .setJti(randomUUID())
      .sign(this.key);
    return { accessToken, expiresIn: this.options.lifetimeSeconds };
  }

  async verify(token: string): Promise<TokenVerdict> {
    if (token.length > 4096) return { ok: false, reason: 'invalid' };
    const known = this.verified.get(token);
    if (known) {
      if (this.options.now() < known.expiresAt) return { ok: true, token: { clientId: known.clientId } };
      this.verified.delete(token);
    }
    try {
      // Tokens without a kid predate rotation support: only the current key may verify them.
      const { payload } = await jwtVerify(token, (header) => this.verifying.get(header.kid ?? this.kid) ?? this.unknownKey(), {
        algorithms: ['HS256'],
        issuer: this.options.issuer,
        audience: AUDIENCE,
        typ: 'at+jwt',
        requiredClaims: ['exp', 'iat', 'sub', 'jti'],
        currentDate: new Date(this.options.now()),
      });
      const clientId = payload['client_id'];
      if (typeof clientId !== 'string' || clientId !== payload.sub) return { ok: false, reason: 'invalid' };
      this.verified.set(token, { clientId, expiresAt: (payload.exp ?? 0) * 1000 });
      return { ok: true, token: { clientId } };
    } catch (err) {
      return { ok: false, reason: err instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
    }
  }

  private unknownKey(): never {
    throw new joseErrors.JWKSNoMatchingKey();
  }
}
