// A Graph- and Entra-compatible HTTPS server on 127.0.0.1:0 for tests and demo mode; misbehaves when told to.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { FakeAuthority, entraError, graphError, type FakeReply } from './fake-graph-auth.js';
import { FaultQueue, faultGraphCode, faultMessage, type Fault, type FaultPath } from './fake-graph-faults.js';
import { mayReadSchedules, type FakeTenant } from './fake-graph-model.js';
import { answerGetSchedule } from './fake-graph-schedule.js';
import { systemClock, type Clock } from '../clock.js';
import { demoTls } from './tls.js';

export type { Fault, FaultPath } from './fake-graph-faults.js';
export type { FakeApp, FakeEvent, FakeMailbox, FakeRecurrence, FakeTenant } from './fake-graph-model.js';

export interface FakeGraphOptions {
  tenants: FakeTenant[];
  /** expires_in of issued tokens, seconds (default 3599, like Entra). */
  tokenLifetimeSeconds?: number;
  /** Clock for token expiry, assertion checks and error timestamps (default: the system's). */
  now?: Clock;
  /** Keep every request in `requests` (default true); a benchmark turns it off and reads the counters. */
  record?: boolean;
  /** How long an idle keep-alive connection stays open, ms (default Node's 5 s; Graph keeps them longer). */
  keepAliveTimeoutMs?: number;
}

type Endpoint = Exclude<FaultPath, 'any'> | 'other';

export interface RecordedRequest {
  method: string;
  path: string;
  endpoint: Endpoint;
  headers: Record<string, string>;
  clientRequestId?: string;
  hasAuthorization: boolean;
  /** Parsed JSON, or the form fields of a token request with secrets and assertions redacted. */
  body: unknown;
  at: number;
}

export interface FakeGraph {
  /** https://127.0.0.1:<port>, the Graph root and the authority host. */
  readonly url: string;
  readonly port: number;
  /** PEM of the CA that issued the server certificate. */
  readonly ca: string;
  readonly requests: RecordedRequest[];
  readonly tokenRequests: number;
  readonly scheduleRequests: number;
  /** TLS connections accepted so far (keep-alive reuses them). */
  readonly connections: number;
  /** Protected headers of client assertions received (certificate credentials). */
  readonly assertionHeaders: readonly Record<string, unknown>[];
  /** Answer getSchedule entries in reverse order, to prove callers match by scheduleId. */
  reverseResults: boolean;
  failNext(fault: Fault): void;
  clearFaults(): void;
  tenant(tenantId: string): FakeTenant | undefined;
  close(): Promise<void>;
}

const maxBodyBytes = 1_048_576;
const routes: { endpoint: Endpoint; method: string; re: RegExp }[] = [
  { endpoint: 'metadata', method: 'GET', re: /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/ },
  { endpoint: 'token', method: 'POST', re: /^\/([^/]+)\/oauth2\/v2\.0\/token$/ },
  { endpoint: 'getSchedule', method: 'POST', re: /^\/v1\.0\/users\/([^/]+)\/calendar\/getSchedule$/i },
];

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new RangeError('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, reply: FakeReply, clientRequestId: string | undefined, inPieces = false): void {
  if (res.destroyed) return;
  const json = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8',
    'request-id': globalThis.crypto.randomUUID(),
    ...(clientRequestId ? { 'client-request-id': clientRequestId } : {}),
    ...reply.headers,
  });
  if (!inPieces) return void res.end(json);
  // No Content-Length: Node sends the writes as HTTP/1.1 chunks, one event-loop turn apart.
  const bytes = Buffer.from(json, 'utf8');
  const PIECE = 100;
  let at = 0;
  const next = (): void => {
    if (res.destroyed) return;
    if (at >= bytes.length) return void res.end();
    res.write(bytes.subarray(at, (at += PIECE)));
    setImmediate(next);
  };
  next();
}

function redactForm(form: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form) out[k] = k === 'client_secret' || k === 'client_assertion' ? '[redacted]' : v;
  return out;
}

export async function startFakeGraph(options: FakeGraphOptions): Promise<FakeGraph> {
  const tls = await demoTls();
  const now = options.now ?? systemClock;
  const authority = new FakeAuthority(options.tenants, now, options.tokenLifetimeSeconds ?? 3599);
  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];
  const record = options.record ?? true;
  const counts: Record<Endpoint, number> = { metadata: 0, token: 0, getSchedule: 0, other: 0 };
  let base = '';

  async function applyFault(fault: Fault, endpoint: Endpoint, res: ServerResponse, crid: string | undefined): Promise<boolean> {
    if (fault.delayMs) await delay(fault.delayMs);
    if (fault.reset) {
      res.socket?.destroy();
      return true;
    }
    if (fault.status) {
      const reply =
        endpoint === 'getSchedule'
          ? graphError(fault.status, faultGraphCode(fault), faultMessage(fault.status), now())
          : entraError(fault.status, fault.errorCode ?? 'temporarily_unavailable', 50196, faultMessage(fault.status), now());
      if (fault.retryAfterSeconds !== undefined) reply.headers = { 'retry-after': String(fault.retryAfterSeconds) };
      send(res, reply, crid);
      return true;
    }
    if (fault.malformedJson) {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end('{"@odata.context":"x","value":[{"scheduleId":"alice@');
      return true;
    }
    if (fault.wrongContentType) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html><body><h1>Proxy authentication required</h1></body></html>');
      return true;
    }
    return false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const route = routes.find((r) => r.method === req.method && r.re.test(url.pathname));
    const endpoint: Endpoint = route?.endpoint ?? 'other';
    const param = route ? decodeURIComponent(route.re.exec(url.pathname)?.[1] ?? '') : '';
    const crid = typeof req.headers['client-request-id'] === 'string' ? req.headers['client-request-id'] : undefined;
    const raw = await readBody(req);
    let body: unknown = raw === '' ? undefined : raw;
    let form: URLSearchParams | undefined;
    let jsonError = false;
    if (endpoint === 'token') {
      form = new URLSearchParams(raw);
      body = redactForm(form);
    } else if (raw !== '') {
      try {
        body = JSON.parse(raw) as unknown;
      } catch {
        jsonError = true;
      }
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, k === 'authorization' ? '[redacted]' : String(v)]));
    counts[endpoint] += 1;
    if (record) requests.push({ method: req.method ?? '', path: url.pathname, endpoint, headers, clientRequestId: crid, hasAuthorization: !!req.headers.authorization, body, at: now() });

    let inPieces = false;
    if (endpoint !== 'other') {
      const fault = faults.take(endpoint, endpoint === 'getSchedule' ? param : undefined);
      if (fault && (await applyFault(fault, endpoint, res, crid))) return;
      inPieces = fault?.inPieces ?? false;
    }
    // The Host the client asked for: a test routing a national cloud's host name here sees that host in the metadata.
    const asked = req.headers.host ? `https://${req.headers.host}` : base;
    if (endpoint === 'metadata') return send(res, authority.metadata(asked, param), crid);
    if (endpoint === 'token') return send(res, await authority.token(asked, param, form ?? new URLSearchParams()), crid);
    if (endpoint === 'getSchedule') {
      const auth = authority.bearer(req.headers.authorization);
      if (!('tenant' in auth)) return send(res, { ...auth, headers: { 'www-authenticate': 'Bearer realm=""' } }, crid);
      if (!mayReadSchedules(auth.app)) return send(res, graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.', now()), crid);
      if (jsonError) return send(res, graphError(400, 'RequestBodyRead', 'Invalid JSON. A token was not recognized in the JSON content.', now()), crid);
      return send(res, answerGetSchedule(base, auth.tenant, param, body, fake.reverseResults, now()), crid, inPieces);
    }
    send(res, graphError(400, 'BadRequest', `Resource not found for the segment '${url.pathname.split('/').pop() ?? ''}'.`, now()), crid);
  }

  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, graphError(500, 'InternalServerError', 'The fake failed to handle the request.', now()), undefined);
      else res.destroy();
    });
  });
  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  let connections = 0;
  server.on('secureConnection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  base = `https://127.0.0.1:${port}`;

  const fake: FakeGraph = {
    url: base,
    port,
    ca: tls.ca,
    requests,
    get tokenRequests() {
      return counts.token;
    },
    get scheduleRequests() {
      return counts.getSchedule;
    },
    get connections() {
      return connections;
    },
    assertionHeaders: authority.assertionHeaders,
    reverseResults: false,
    failNext: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    tenant: (id) => authority.tenant(id),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return fake;
}
