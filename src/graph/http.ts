// The one HTTP layer for Graph and Entra: an undici Agent with tight timeouts, an optional extra CA, a host allow-list.
import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent, request, type Dispatcher } from 'undici';

export interface GraphHttpOptions {
  /** Hosts (host[:port], as in URL.host) requests may go to; anything else is refused before connecting. */
  allowedHosts: Iterable<string>;
  /** PEM trusted in addition to Node's roots (the demo tenant's CA); production uses NODE_EXTRA_CA_CERTS. */
  extraCa?: string;
  connectTimeoutMs?: number;
  /** Longest wait for response headers, and between body chunks, ms (each attempt also has its own limit). */
  responseTimeoutMs?: number;
  /** Injected dispatcher (tests); when given, extraCa and connectTimeoutMs are ignored. */
  dispatcher?: Dispatcher;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Whole-exchange limit for this attempt: connect, headers and body. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

export type HttpFailureKind = 'timeout' | 'aborted' | 'network' | 'host-not-allowed';

/** A request that produced no HTTP response. The message never includes headers or bodies. */
export class HttpFailure extends Error {
  constructor(
    readonly kind: HttpFailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpFailure';
  }
}

export interface GraphHttp {
  send(url: string, req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export function createGraphHttp(options: GraphHttpOptions): GraphHttp {
  const allowed = new Set([...options.allowedHosts].map((h) => h.toLowerCase()));
  const ownsDispatcher = !options.dispatcher;
  const dispatcher =
    options.dispatcher ??
    new Agent({
      connect: {
        timeout: options.connectTimeoutMs ?? 3_000,
        // Node's roots stay trusted; the extra CA is added, not substituted. One context for every connection:
        // passing `ca` instead would parse all ~140 roots again per TLS connection.
        ...(options.extraCa ? { secureContext: createSecureContext({ ca: [...rootCertificates, options.extraCa] }) } : {}),
      },
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 60_000,
      // undici's 300 s defaults are for long-lived clients; the per-attempt signal is the tighter limit.
      headersTimeout: options.responseTimeoutMs ?? 60_000,
      bodyTimeout: options.responseTimeoutMs ?? 60_000,
    });

  async function send(url: string, req: HttpRequest): Promise<HttpResponse> {
    const target = new URL(url);
    if (target.protocol !== 'https:' || !allowed.has(target.host.toLowerCase())) {
      throw new HttpFailure('host-not-allowed', `refused request to ${target.protocol}//${target.host}: not a configured Graph or authority host`);
    }
    // A cleared timer rather than AbortSignal.timeout: that one stays armed (and throws a DOMException into
    // the void) long after a fast answer, thousands of times a second under load.
    const stop = new AbortController();
    const timeout = stop.signal;
    const timer = setTimeout(() => stop.abort(), Math.max(1, req.timeoutMs));
    const onCallerAbort = () => stop.abort();
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const signal = timeout;
    try {
      const res = await request(target, {
        dispatcher,
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal,
      });
      const body = await res.body.text();
      return { status: res.statusCode, headers: flattenHeaders(res.headers), body };
    } catch (err) {
      if (req.signal?.aborted) throw new HttpFailure('aborted', `request to ${target.host} aborted by caller`, { cause: err });
      if (timeout.aborted) throw new HttpFailure('timeout', `no response from ${target.host} within ${req.timeoutMs} ms`, { cause: err });
      if (req.signal?.aborted) throw new HttpFailure('aborted', `request to ${target.host} aborted by caller`, { cause: err });
      const code = (err as { code?: unknown }).code;
      throw new HttpFailure('network', `network error talking to ${target.host}: ${typeof code === 'string' ? code : (err as Error).name}`, { cause: err });
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  return {
    send,
    close: async () => {
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}
