// Google's client credentials: extraction from a token request and constant-time verification.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { OAuthError } from '../errors/index.js';

export interface GoogleClient {
  clientId: string;
  clientSecret: string;
  /** A second secret accepted during a rotation. */
  previousClientSecret?: string;
  /** Domains this client may look up; undefined: every served domain. */
  domains?: readonly string[];
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Credentials from HTTP Basic (RFC 6749 2.3.1: form-urlencoded, then base64) or from the form body. */
export function extractClientCredentials(
  authorization: string | undefined,
  form: Record<string, unknown>,
): { clientId: string; clientSecret: string; basic: boolean } {
  const bodyId = typeof form['client_id'] === 'string' ? form['client_id'] : undefined;
  const bodySecret = typeof form['client_secret'] === 'string' ? form['client_secret'] : undefined;
  if (authorization && /^basic /i.test(authorization)) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'Malformed HTTP Basic credentials.', true);
    let id: string;
    let secret: string;
    try {
      id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    } catch {
      throw new OAuthError('invalid_client', 'Malformed HTTP Basic credentials.', true);
    }
    if ((bodyId !== undefined && bodyId !== id) || (bodySecret !== undefined && bodySecret !== secret)) {
      throw new OAuthError('invalid_request', 'Client credentials in the body and the Authorization header disagree.');
    }
    return { clientId: id, clientSecret: secret, basic: true };
  }
  if (bodyId === undefined && bodySecret === undefined) throw new OAuthError('invalid_client', 'Client authentication is required.');
  if (!bodyId) throw new OAuthError('invalid_request', 'The client_id parameter is missing.');
  if (bodySecret === undefined) throw new OAuthError('invalid_request', 'The client_secret parameter is missing.');
  return { clientId: bodyId, clientSecret: bodySecret, basic: false };
}

/** Stands in for an absent previous secret so every client costs the same two comparisons. */
const NO_SECRET = randomBytes(32).toString('base64url');

/**
 * The matching client, comparing every configured id and both secrets of every client in constant time,
 * with no early return: the time taken says nothing about which part was wrong or whether the id exists.
 */
export function authenticateClient<C extends GoogleClient>(clients: readonly C[], clientId: string, clientSecret: string): C | undefined {
  const given = digest(clientSecret);
  const givenId = digest(clientId);
  let match: C | undefined;
  for (const c of clients) {
    const idOk = timingSafeEqual(givenId, digest(c.clientId));
    const currentOk = timingSafeEqual(given, digest(c.clientSecret));
    const previousOk = timingSafeEqual(given, digest(c.previousClientSecret ?? NO_SECRET));
    if (idOk && (currentOk || previousOk)) match = c;
  }
  return match;
}
