// The signed client assertion (RFC 7523) a certificate credential sends to Entra, made on the relay's clock.
//
// MSAL can build this itself from `clientCertificate`, but it stamps nbf/exp from the system clock; handing MSAL a
// `clientAssertion` callback keeps every time the relay sends on the one injected clock. The claims and headers
// are the ones MSAL and Entra's certificate-credential docs use: PS256, x5t#S256, optional x5c, aud = token
// endpoint, iss = sub = client id, a fresh jti, valid for 10 minutes.
import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Clock } from '../clock.js';

export interface CertificateCredential {
  privateKey: string;
  thumbprintSha256: string;
  /** PEM chain sent as x5c (subject name + issuer authentication). */
  x5c?: string;
}

const LIFETIME_SECONDS = 600;

/** The base64 DER bodies of each certificate in a PEM chain, leaf first, as x5c wants them. */
function x5cChain(pem: string): string[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END CERTIFICATE-----/g)].map((m) => m[1]!.replace(/\s+/g, ''));
}

/**
 * MSAL's assertion callback for a certificate. The key is parsed once (PKCS#8 or PKCS#1 PEM); a key that does not
 * parse rejects every call with a message that names the setting, never the key.
 */
export function certificateAssertion(credential: CertificateCredential, now: Clock): (config: { clientId: string; tokenEndpoint?: string }) => Promise<string> {
  let key: KeyObject | Error;
  try {
    key = createPrivateKey(credential.privateKey);
  } catch {
    key = new Error('the certificate private key is not a PEM private key');
  }
  const header = {
    alg: 'PS256',
    'x5t#S256': Buffer.from(credential.thumbprintSha256, 'hex').toString('base64url'),
    ...(credential.x5c ? { x5c: x5cChain(credential.x5c) } : {}),
  };
  return async ({ clientId, tokenEndpoint }) => {
    if (key instanceof Error) throw key;
    if (!tokenEndpoint) throw new Error('MSAL gave no token endpoint for the client assertion');
    const issuedAt = Math.floor(now() / 1000);
    return new SignJWT({})
      .setProtectedHeader(header)
      .setAudience(tokenEndpoint)
      .setIssuer(clientId)
      .setSubject(clientId)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(issuedAt + LIFETIME_SECONDS)
      .sign(key);
  };
}
