// Google's client credentials: extraction from a token request and constant-time verification.
import { createHash, timingSafeEqual } from 'node:crypto';
import { OAuthError } from '../errors.js';

export interface GoogleClient {
  clientId: string;
  clientSecret: string;
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
  if (!bodyId || bodySecret === undefined) throw new OAuthError('invalid_client', 'Client authentication is required.');
  return { clientId: bodyId, clientSecret: bodySecret, basic: false };
}

/** The matching client, comparing every configured secret in constant time with no early return. */
export function authenticateClient(clients: readonly GoogleClient[], clientId: string, clientSecret: string): GoogleClient | undefined {
  const given = digest(clientSecret);
  const givenId = digest(clientId);
  let match: GoogleClient | undefined;
  for (const c of clients) {
    const idOk = timingSafeEqual(givenId, digest(c.clientId));
    const secretOk = timingSafeEqual(given, digest(c.clientSecret));
    if (idOk && secretOk) match = c;
  }
  return match;
}
