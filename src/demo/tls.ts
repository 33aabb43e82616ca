// Throwaway TLS material for the demo tenant and tests: a private CA, a 127.0.0.1 server certificate, client certs.
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

export interface DemoTls {
  /** Server private key (PEM). */
  key: string;
  /** Server certificate (PEM), issued by `ca`. */
  cert: string;
  /** The CA certificate (PEM) a client must trust to reach the fake. */
  ca: string;
}

export interface ClientCertificate {
  /** PKCS#8 private key (PEM), what MSAL's clientCertificate.privateKey takes. */
  privateKey: string;
  /** Self-signed certificate (PEM), what an admin would upload to the Entra app. */
  cert: string;
  /** SHA-256 thumbprint of the certificate's DER, 64 uppercase hex digits. */
  thumbprintSha256: string;
}

/**
 * Validity of the throwaway certificates: fixed and wide, read from no clock. TLS checks it against the system
 * clock, which may be anywhere relative to the relay's injected one (tests run years ahead), and the material
 * lives only in memory for one process.
 */
const THROWAWAY_VALIDITY = { notBefore: new Date(Date.UTC(2000, 0, 1)), notAfter: new Date(Date.UTC(2099, 11, 31)) };

// Key generation costs tens to hundreds of ms; every fake in one process shares the same material.
let serverTls: Promise<DemoTls> | undefined;

/** The demo CA and server certificate, generated once per process. */
export function demoTls(): Promise<DemoTls> {
  serverTls ??= generateServerTls().catch((err: unknown) => {
    serverTls = undefined;
    throw err;
  });
  return serverTls;
}

async function generateServerTls(): Promise<DemoTls> {
  const { notBefore, notAfter } = THROWAWAY_VALIDITY;
  return issueServerTls({
    caName: 'Calendar Relay demo CA (throwaway)',
    ca: { notBefore, notAfter },
    serverName: 'localhost',
    altNames: [
      { type: 2, value: 'localhost' },
      { type: 7, ip: '127.0.0.1' },
      { type: 7, ip: '::1' },
    ],
    server: { notBefore, notAfter },
  });
}

type AltName = { type: 2; value: string } | { type: 7; ip: string };

/** A private CA and a server certificate it issued for `serverName` and `altNames`, each with its own validity. */
export async function issueServerTls(spec: {
  caName: string;
  ca: { notBefore: Date; notAfter: Date };
  serverName: string;
  altNames: AltName[];
  server: { notBefore: Date; notAfter: Date };
}): Promise<DemoTls> {
  // EC keys: generation is fast and Node's TLS stack accepts them everywhere.
  const ca = await generate([{ name: 'commonName', value: spec.caName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: spec.ca.notBefore,
    notAfterDate: spec.ca.notAfter,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: spec.serverName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: spec.server.notBefore,
    notAfterDate: spec.server.notAfter,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: spec.altNames },
    ],
  });
  return { key: server.private, cert: server.cert, ca: ca.cert };
}

/**
 * A certificate credential for an app registration. RSA because MSAL signs client assertions with PS256
 * when given a SHA-256 thumbprint.
 */
export async function generateClientCertificate(commonName = 'calendar-relay demo app'): Promise<ClientCertificate> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: THROWAWAY_VALIDITY.notBefore,
    notAfterDate: THROWAWAY_VALIDITY.notAfter,
  });
  return { privateKey: pems.private, cert: pems.cert, thumbprintSha256: sha256Thumbprint(pems.cert) };
}

/** SHA-256 over the certificate's DER, as Entra shows it and as x5t#S256 carries it (after base64url). */
export function sha256Thumbprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256.replaceAll(':', '').toUpperCase();
}
