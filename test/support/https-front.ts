// Test helper: a TLS front on 127.0.0.1 for a relay app (what a load balancer does in production), and certificates.
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { issueServerTls } from '../../src/demo/tls.js';

export interface HttpsFront {
  url: string;
  close(): Promise<void>;
}

export async function httpsFront(app: FastifyInstance, tls: { key: string; cert: string }): Promise<HttpsFront> {
  await app.ready();
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => app.routing(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A CA and a 127.0.0.1 server certificate valid over [notBefore, notAfter]; pass past dates for an expired one. */
export function serverCertificate(notBefore: Date, notAfter: Date): Promise<{ key: string; cert: string; ca: string }> {
  return issueServerTls({
    caName: 'doctor test CA',
    ca: { notBefore: new Date(notBefore.getTime() - 86_400_000), notAfter: new Date(Date.now() + 365 * 86_400_000) },
    serverName: 'relay.test',
    altNames: [{ type: 7, ip: '127.0.0.1' }],
    server: { notBefore, notAfter },
  });
}
