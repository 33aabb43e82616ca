// Native HTTPS on a real socket: certificate from files, reloaded when they change, minimum TLS version, plain HTTP opt-in.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type SecureVersion } from 'node:tls';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenerProblem } from '../src/http/server-factory.js';
import { makeTestApp, testConfig, type TestApp } from './support/app.js';
import { MemorySource } from './support/memory-source.js';

const dir = mkdtempSync(join(tmpdir(), 'relay-tls-'));
const certFile = join(dir, 'tls.crt');
const keyFile = join(dir, 'tls.key');
const selfSigned = async (cn: string) => {
  const pems = await generate([{ name: 'commonName', value: cn }], { keyType: 'ec', algorithm: 'sha256' });
  return { cert: pems.cert, key: pems.private };
};
const install = (pair: { cert: string; key: string }) => {
  writeFileSync(keyFile, pair.key);
  writeFileSync(certFile, pair.cert);
};

/** The subject CN the server presents, or the client-side error code. */
function handshake(port: number, versions: { minVersion?: SecureVersion; maxVersion?: SecureVersion } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...versions }, () => {
      const subject = new X509Certificate(socket.getPeerX509Certificate()!.raw).subject;
      socket.end();
      resolve(subject);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(`error:${err.code ?? err.message}`));
  });
}

let t: TestApp;
let strict: TestApp;
let port: number;
beforeAll(async () => {
  install(await selfSigned('first.relay.test'));
  t = await makeTestApp(new MemorySource({}), { tls: { certFile, keyFile, minVersion: 'TLSv1.2', reloadCheckMs: 50 } });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  port = (t.app.server.address() as { port: number }).port;
  strict = await makeTestApp(new MemorySource({}), { tls: { certFile, keyFile, minVersion: 'TLSv1.3', reloadCheckMs: 60_000 } });
  await strict.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await t.app.close();
  await strict.app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('native HTTPS', () => {
  it('serves the certificate from the files, over TLS 1.2 and 1.3', async () => {
    expect(await handshake(port)).toBe('CN=first.relay.test');
    expect(await handshake(port, { maxVersion: 'TLSv1.2' })).toBe('CN=first.relay.test');
    const res = await new Promise<number>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => socket.write('GET /health-check HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => (text += String(d)));
      socket.on('end', () => resolve(Number(text.split(' ')[1])));
      socket.on('error', reject);
    });
    expect(res).toBe(200);
  });

  it('refuses versions below the configured minimum', async () => {
    const strictPort = (strict.app.server.address() as { port: number }).port;
    expect(await handshake(strictPort, { maxVersion: 'TLSv1.2' })).toMatch(/^error:/);
    expect(await handshake(strictPort)).toBe('CN=first.relay.test');
  });

  it('picks up renewed files without a restart, and keeps the old certificate when the new files are broken', async () => {
    install(await selfSigned('second.relay.test'));
    const deadline = Date.now() + 5000;
    let seen = await handshake(port);
    while (seen !== 'CN=second.relay.test' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      seen = await handshake(port);
    }
    expect(seen).toBe('CN=second.relay.test');
    expect(t.logs.join('')).toContain('"event":"tls.reloaded"');

    writeFileSync(certFile, 'not a certificate');
    const until = Date.now() + 5000;
    while (!t.logs.join('').includes('"event":"tls.reload_failed"') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(t.logs.join('')).toContain('"event":"tls.reload_failed"');
    expect(await handshake(port)).toBe('CN=second.relay.test');
  });
});

describe('plain HTTP', () => {
  it('is refused at start-up outside demo mode unless asked for', () => {
    expect(listenerProblem(testConfig())).toMatch(/RELAY_PLAIN_HTTP/);
    expect(listenerProblem(testConfig({ server: { plainHttp: true } }))).toBeUndefined();
    expect(listenerProblem(testConfig({ tenants: [], domains: [] }))).toBeUndefined();
    expect(listenerProblem(testConfig({ tls: { certFile, keyFile, reloadCheckMs: 1000 } }))).toBeUndefined();
  });
});
