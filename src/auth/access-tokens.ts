// Access tokens for Google: RFC 9068 JWTs signed with a configured key, verifiable by every replica.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

export interface TokenIssuerOptions {
  /** Shared HMAC key material; when absent a random per-process key is used (single replica only). */
  signingKey?: string;
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

export class AccessTokens {
  private readonly key: Uint8Array;
  readonly ephemeral: boolean;
  /**
   * Tokens already verified, with their expiry: Google reuses one token for up to an hour, and an HMAC check
   * through WebCrypto costs more than the rest of a cached lookup. Bounded; emptied when full.
   */
  private readonly verified = new Map<string, { clientId: string; expiresAt: number }>();

  constructor(private readonly options: TokenIssuerOptions) {
    this.ephemeral = !options.signingKey;
    // Any length of configured secret is stretched to a uniform 256-bit HS256 key.
    this.key = options.signingKey
      ? createHash('sha256').update(`calendar-relay token key\u0000${options.signingKey}`).digest()
      : randomBytes(32);
  }

  async issue(clientId: string): Promise<IssuedToken> {
    const iat = Math.floor(this.options.now() / 1000);
    const accessToken = await new SignJWT({ client_id: clientId })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
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
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.options.issuer,
        audience: AUDIENCE,
        typ: 'at+jwt',
        requiredClaims: ['exp', 'iat', 'sub', 'jti'],
        currentDate: new Date(this.options.now()),
      });
      const clientId = payload['client_id'];
      if (typeof clientId !== 'string' || clientId !== payload.sub) return { ok: false, reason: 'invalid' };
      if (this.verified.size >= 1024) this.verified.clear();
      this.verified.set(token, { clientId, expiresAt: (payload.exp ?? 0) * 1000 });
      return { ok: true, token: { clientId } };
    } catch (err) {
      return { ok: false, reason: err instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}
