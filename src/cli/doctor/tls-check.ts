// Doctor: the public URL's certificate (chain, host name, expiry) and which TLS versions it offers, as Google meets them.
import { isIP } from 'node:net';
import { checkServerIdentity, connect, type DetailedPeerCertificate, type SecureVersion, type TLSSocket } from 'node:tls';
import { errorCode, googleForNetwork, GOOGLE_MESSAGES, type Check } from './report.js';

export interface TlsCheckOptions {
  url: URL;
  /** Trusted CAs (PEM) instead of Node's roots (tests); production uses the roots, as Google does. */
  ca?: string[];
  timeoutMs: number;
  now: () => number;
  /** Warn when the certificate expires within this many days. */
  warnDays?: number;
}

interface Handshake {
  socket: TLSSocket;
  cert: DetailedPeerCertificate;
}

function handshake(url: URL, o: TlsCheckOptions, versions?: { min: SecureVersion; max: SecureVersion }): Promise<Handshake> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port: Number(url.port || 443),
      // SNI only carries names; an IP address is matched against the certificate's IP SANs.
      ...(isIP(host) ? {} : { servername: host }),
      ...(o.ca ? { ca: o.ca } : {}),
      rejectUnauthorized: false,
      ...(versions ? { minVersion: versions.min, maxVersion: versions.max } : {}),
      timeout: o.timeoutMs,
    });
    socket.once('secureConnect', () => resolve({ socket, cert: socket.getPeerCertificate(true) }));
    socket.once('timeout', () => {
      socket.destroy();
      reject(Object.assign(new Error(`no TLS handshake within ${o.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    });
    socket.once('error', reject);
  });
}

const CHAIN_FIXES: Record<string, string> = {
  CERT_HAS_EXPIRED: 'Renew the certificate and install the new one (with its intermediates) on the TLS front.',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'Serve the full chain: the leaf certificate followed by its intermediate certificates.',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'Serve the full chain (leaf + intermediates) from a publicly trusted CA.',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'Google only trusts public CAs: replace the self-signed certificate (e.g. with one from Let\'s Encrypt).',
  SELF_SIGNED_CERT_IN_CHAIN: 'The chain ends in a private CA: Google only trusts public CAs.',
  CERT_NOT_YET_VALID: 'The certificate is not valid yet: check the clock of the machine that issued it, or wait.',
};

export async function tlsChecks(o: TlsCheckOptions): Promise<Check[]> {
  const host = o.url.hostname.replace(/^\[|\]$/g, '');
  const where = `${host}:${o.url.port || 443}`;
  let first: Handshake;
  try {
    first = await handshake(o.url, o);
  } catch (err) {
    const code = errorCode(err);
    return [
      {
        id: 'tls.connect',
        title: `TLS connection to ${where}`,
        status: 'fail',
        detail: `No TLS handshake: ${code ?? (err as Error).message}.`,
        fix: code === 'ENOTFOUND' ? `Publish a DNS record for ${host}.` : `Make ${where} reachable from the internet (Google's ranges) and serve TLS there.`,
        google: googleForNetwork(code),
      },
    ];
  }
  const { socket, cert } = first;
  const checks: Check[] = [];
  const authError = socket.authorizationError ? String((socket.authorizationError as { code?: string }).code ?? socket.authorizationError) : undefined;
  socket.destroy();

  const chain: string[] = [];
  for (let c: DetailedPeerCertificate | undefined = cert, i = 0; c && i < 10; i++) {
    chain.push([c.subject?.CN ?? '?'].flat().join(','));
    if (!c.issuerCertificate || c.issuerCertificate === c) break;
    c = c.issuerCertificate;
  }
  checks.push(
    authError
      ? { id: 'tls.chain', title: 'certificate chain', status: 'fail', detail: `Not trusted: ${authError} (chain: ${chain.join(' <- ')}).`, fix: CHAIN_FIXES[authError] ?? 'Install a certificate from a public CA with its full chain.', google: GOOGLE_MESSAGES.connection }
      : { id: 'tls.chain', title: 'certificate chain', status: 'pass', detail: `Trusted: ${chain.join(' <- ')}.` },
  );

  const mismatch = checkServerIdentity(host, cert);
  checks.push(
    mismatch
      ? { id: 'tls.hostname', title: `certificate names ${host}`, status: 'fail', detail: mismatch.message, fix: `Get a certificate whose subject alternative names include ${host}.`, google: GOOGLE_MESSAGES.connection }
      : { id: 'tls.hostname', title: `certificate names ${host}`, status: 'pass' },
  );

  const notAfter = Date.parse(cert.valid_to);
  const notBefore = Date.parse(cert.valid_from);
  const daysLeft = Math.floor((notAfter - o.now()) / 86_400_000);
  const validity = `valid ${new Date(notBefore).toISOString().slice(0, 10)} to ${new Date(notAfter).toISOString().slice(0, 10)}`;
  if (notAfter <= o.now()) {
    checks.push({ id: 'tls.expiry', title: 'certificate expiry', status: 'fail', detail: `Expired ${-daysLeft} day(s) ago (${validity}).`, fix: CHAIN_FIXES.CERT_HAS_EXPIRED!, google: GOOGLE_MESSAGES.connection });
  } else if (notBefore > o.now()) {
    checks.push({ id: 'tls.expiry', title: 'certificate expiry', status: 'fail', detail: `Not valid yet (${validity}).`, fix: CHAIN_FIXES.CERT_NOT_YET_VALID!, google: GOOGLE_MESSAGES.connection });
  } else if (daysLeft < (o.warnDays ?? 21)) {
    checks.push({ id: 'tls.expiry', title: 'certificate expiry', status: 'warn', detail: `Expires in ${daysLeft} day(s) (${validity}).`, fix: 'Renew it now; automate renewal (docs/operations.md).' });
  } else {
    checks.push({ id: 'tls.expiry', title: 'certificate expiry', status: 'pass', detail: `${daysLeft} days left (${validity}).` });
  }

  checks.push(await versionCheck(o));
  return checks;
}

async function versionCheck(o: TlsCheckOptions): Promise<Check> {
  const offered: SecureVersion[] = [];
  for (const v of ['TLSv1.2', 'TLSv1.3'] as const) {
    try {
      const h = await handshake(o.url, o, { min: v, max: v });
      h.socket.destroy();
      offered.push(v);
    } catch {
      // Not offered (or refused by this client): both end the same way for Google.
    }
  }
  if (offered.length === 0) {
    return { id: 'tls.versions', title: 'TLS versions', status: 'fail', detail: 'Neither TLS 1.2 nor TLS 1.3 is offered.', fix: 'Enable TLS 1.2 and 1.3 on the TLS front.', google: GOOGLE_MESSAGES.connection };
  }
  return { id: 'tls.versions', title: 'TLS versions', status: 'pass', detail: `Offers ${offered.join(' and ')}.` };
}
