// The one HTTP layer for Graph and Entra: an undici Agent with tight timeouts, an optional extra CA, a host allow-list.
import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';

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
  /** The body as received. */
  bytes: Buffer;
  /** The body decoded as UTF-8 (on first use: getSchedule answers are read from their bytes). */
  readonly body: string;
}

class Received implements HttpResponse {
  #text: string | undefined;
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly bytes: Buffer,
  ) {}
  get body(): string {
    return (this.#text ??= this.bytes.toString('utf8'));
  }
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
  for (const k in headers) {
    const v = headers[k];
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/**
 * One exchange through `dispatcher.dispatch`, the body collected as it arrives. undici's `request()` wraps every
 * answer in a Node Readable stream and needs an AbortSignal (with its listeners) for a timeout; Graph answers are
 * small JSON documents read whole, so a handler that gathers the chunks, and aborts through its controller when
 * the timer fires, does the same job with a fraction of the allocations per call.
 */
class Exchange implements Dispatcher.DispatchHandler {
  #controller: Dispatcher.DispatchController | undefined;
  #abortReason: Error | undefined;
  #status = 0;
  #headers: Record<string, string> = {};
  readonly #chunks: Buffer[] = [];
  #settled = false;

  constructor(
    private readonly resolve: (res: HttpResponse) => void,
    private readonly reject: (err: Error) => void,
  ) {}

  /** Ends the exchange now with `reason`; undici is told as soon as the request holds a connection. */
  abort(reason: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
    this.reject(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#abortReason) controller.abort(this.#abortReason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.#status = statusCode;
    this.#headers = flattenHeaders(headers);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.resolve(new Received(this.#status, this.#headers, this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks)));
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.reject(err);
  }
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

  /** Origins (as written in the URL) already checked against the allow-list. */
  const checkedOrigins = new Map<string, { origin: string; host: string }>();
  function target(url: string): { origin: string; host: string; path: string } {
    const cut = url.indexOf('/', url.indexOf('//') + 2);
    const written = cut < 0 ? url : url.slice(0, cut);
    let checked = checkedOrigins.get(written);
    if (checked === undefined) {
      const parsed = new URL(written);
      if (parsed.protocol !== 'https:' || !allowed.has(parsed.host.toLowerCase())) {
        throw new HttpFailure('host-not-allowed', `refused request to ${parsed.protocol}//${parsed.host}: not a configured Graph or authority host`);
      }
      checked = { origin: parsed.origin, host: parsed.host };
      if (checkedOrigins.size < 64) checkedOrigins.set(written, checked);
    }
    const path = cut < 0 ? '/' : url.slice(cut);
    return { origin: checked.origin, host: checked.host, path };
  }

  async function send(url: string, req: HttpRequest): Promise<HttpResponse> {
    const { origin, host, path } = target(url);
    let timedOut = false;
    let exchange: Exchange | undefined;
    const done = new Promise<HttpResponse>((resolve, reject) => {
      exchange = new Exchange(resolve, reject);
    });
    // A cleared timer and the handler's own abort: no AbortSignal, no DOMException, no listeners per call.
    const timer = setTimeout(() => {
      timedOut = true;
      exchange!.abort(new Error('attempt timed out'));
    }, Math.max(1, req.timeoutMs));
    const onCallerAbort = () => exchange!.abort(new Error('aborted by caller'));
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      if (req.signal?.aborted) onCallerAbort();
      else dispatcher.dispatch({ origin, path, method: req.method, headers: req.headers ?? {}, body: req.body ?? null }, exchange!);
      return await done;
    } catch (err) {
      if (req.signal?.aborted) throw new HttpFailure('aborted', `request to ${host} aborted by caller`, { cause: err });
      if (timedOut) throw new HttpFailure('timeout', `no response from ${host} within ${req.timeoutMs} ms`, { cause: err });
      const code = (err as { code?: unknown }).code;
      throw new HttpFailure('network', `network error talking to ${host}: ${typeof code === 'string' ? code : (err as Error).name}`, { cause: err });
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
