// `calendar-relay credentials`: a Google client id, client secret and token signing key, printed once.
import { randomBytes } from 'node:crypto';
import { paint, type Output } from './terminal.js';

export interface GeneratedCredentials {
  clientId: string;
  /** 256 bits from the CSPRNG, base64url (43 characters). */
  clientSecret: string;
  /** 384 bits, base64url (64 characters): HMAC key for the access tokens, shared by every replica. */
  signingKey: string;
}

const SECRET_BYTES = 32;
const SIGNING_KEY_BYTES = 48;

export function generateCredentials(random: (n: number) => Buffer = randomBytes): GeneratedCredentials {
  return {
    // Not secret, but unique per installation so logs and Google's console tell relays apart.
    clientId: `calendar-relay-${random(6).toString('hex')}`,
    clientSecret: random(SECRET_BYTES).toString('base64url'),
    signingKey: random(SIGNING_KEY_BYTES).toString('base64url'),
  };
}

export function renderCredentials(c: GeneratedCredentials, publicUrl: string | undefined, out: Output): string {
  const url = (publicUrl ?? 'https://relay.example.com').replace(/\/+$/, '');
  const h = (s: string) => paint(out, 'bold', s);
  const v = (s: string) => paint(out, 'cyan', s);
  return [
    h('New credentials for Calendar Relay. They are shown once and stored nowhere: copy them now.'),
    '',
    h('1. Google Admin console') + ' (Apps > Google Workspace > Calendar > Calendar Interop management,',
    '   Exchange Web Services, authentication "OAuth 2.0", in the endpoint of each looked-up domain):',
    `     EWS URL:               ${v(`${url}/`)}`,
    `     Token endpoint URL:    ${v(`${url}/token`)}`,
    `     Client ID:             ${v(c.clientId)}`,
    `     Client secret:         ${v(c.clientSecret)}`,
    '',
    h('2. Relay configuration') + ' (secrets as files, e.g. Kubernetes secrets mounted under /run/secrets):',
    `     printf '%s' '${c.clientSecret}' > /run/secrets/google-client-secret`,
    `     printf '%s' '${c.signingKey}' > /run/secrets/token-signing-key`,
    '',
    '   environment:',
    `     GOOGLE_CLIENT_ID=${c.clientId}`,
    '     GOOGLE_CLIENT_SECRET_FILE=/run/secrets/google-client-secret',
    '     TOKEN_SIGNING_KEY_FILE=/run/secrets/token-signing-key',
    '',
    '   or relay.yaml:',
    '     google:',
    '       clients:',
    `         - clientId: ${c.clientId}`,
    '           clientSecretFile: /run/secrets/google-client-secret',
    '     tokens:',
    '       signingKeyFile: /run/secrets/token-signing-key',
    '',
    'Every replica needs the same signing key. To rotate the Google secret, add a second client, switch',
    "Google's console to it, then remove the first (docs/operations.md, secret rotation).",
    '',
  ].join('\n');
}
