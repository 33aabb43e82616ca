// The Node server under Fastify: HTTPS with certificate reload, or plain HTTP, with limits against slow clients.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { SecureVersion } from 'node:tls';
import type { FastifyBaseLogger, FastifyServerFactory } from 'fastify';
import type { TimeoutSettings, TlsSettings } from '../config/edge-schema.js';

export interface ServerSetup {
  serverFactory: FastifyServerFactory;
  /** Stops the certificate watcher (the app's onClose). */
  stop(): void;
}

interface KeyPair {
  cert: Buffer;
  key: Buffer;
  fingerprint: string;
}

function readKeyPair(tls: TlsSettings): KeyPair {
  const cert = readFileSync(tls.certFile);
  const key = readFileSync(tls.keyFile);
  return { cert, key, fingerprint: createHash('sha256').update(cert).update('\u0000').update(key).digest('hex') };
}

function serverOptions(timeouts: TimeoutSettings): http.ServerOptions {
  // Node drops a connection whose headers or request outlast these only when it checks, so check often.
  const headersTimeout = Math.min(timeouts.headersMs, timeouts.requestMs);
  return {
    maxHeaderSize: timeouts.maxHeaderBytes,
    headersTimeout,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 2))),
  };
}

/**
 * Builds the server factory. With `tls`, the certificate and key are read now (a missing file fails start-up)
 * and re-read every `reloadCheckMs`: a changed pair replaces the secure context for new connections without a
 * restart; an unreadable or mismatched pair is logged and the old one kept.
 */
export function createServerSetup(tls: TlsSettings | undefined, timeouts: TimeoutSettings, logger: FastifyBaseLogger): ServerSetup {
  let timer: NodeJS.Timeout | undefined;
  const serverFactory: FastifyServerFactory = (handler) => {
    const options = serverOptions(timeouts);
    let server: http.Server | https.Server;
    if (tls) {
      let current = readKeyPair(tls);
      const minVersion = tls.minVersion as SecureVersion;
      const secure = (pair: KeyPair) => ({ cert: pair.cert, key: pair.key, minVersion });
      const httpsServer = https.createServer({ ...options, ...secure(current), handshakeTimeout: timeouts.headersMs }, handler);
      timer = setInterval(() => {
        let next: KeyPair;
        try {
          next = readKeyPair(tls);
        } catch (err) {
          logger.error({ event: 'tls.reload_failed', reason: (err as NodeJS.ErrnoException).code ?? 'unreadable' }, 'TLS files unreadable; keeping the current certificate');
          return;
        }
        if (next.fingerprint === current.fingerprint) return;
        try {
          httpsServer.setSecureContext(secure(next));
          current = next;
          logger.info({ event: 'tls.reloaded', certFile: tls.certFile }, 'TLS certificate reloaded');
        } catch (err) {
          logger.error({ event: 'tls.reload_failed', reason: (err as Error).message.slice(0, 200) }, 'new TLS certificate refused; keeping the current one');
        }
      }, tls.reloadCheckMs);
      timer.unref();
      server = httpsServer;
    } else {
      server = http.createServer(options, handler);
    }
    server.setTimeout(timeouts.idleMs);
    // Fastify's RawServer type is http.Server; an https.Server serves the same request/response API.
    return server as http.Server;
  };
  return { serverFactory, stop: () => clearInterval(timer) };
}

/** Why the relay must not start with these settings, or undefined: plain HTTP must be asked for outside demo mode. */
export function listenerProblem(config: { demo: boolean; tls?: TlsSettings; server: { plainHttp?: boolean } }): string | undefined {
  if (config.demo || config.tls || config.server.plainHttp) return undefined;
  return 'no tls.certFile/tls.keyFile (TLS_CERT_FILE, TLS_KEY_FILE) is configured: set them, or set server.plainHttp (RELAY_PLAIN_HTTP=true) to serve plain HTTP behind a TLS-terminating proxy';
}
