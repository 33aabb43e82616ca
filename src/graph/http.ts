// The one HTTP layer for Graph and Entra: an undici Agent with tight timeouts, an optional extra CA, a host allow-list.
import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';

export interface GraphHttpOptions {
  /** Hosts (host[:port], as in URL.host) requests may go to; anything else is refused before connecting. */
  allowedHosts: Iterable<string>;
  /** PEM trusted in addition to Node's roots (the demo tenant's CA); production uses NODE_EXTRA_CA_CERTS. */
  extraCa?: string;
  /** TCP+TLS connect limit, ms (the relay's: graphScale.connectTimeoutMs, capped by graph.attemptTimeoutMs). */
  connectTimeoutMs: number;
  /** Longest wait for response headers, and between body chunks, ms (each attempt also has its own limit). */
  responseTimeoutMs?: number;
  /** Injected dispatcher (tests); when given, extraCa and connectTimeoutMs are ignored. */
  dispatcher?: Dispatcher;
  /** Largest response body accepted, bytes (default MAX_RESPONSE_BYTES); a larger one ends the exchange. */
  maxResponseBytes?: number;
}

/**
 * Graph's answers are read whole into memory, so their size is bounded: a getSchedule call of 20 mailboxes over
 * 31 days is a few MB even for calendars full of meetings (1.1 MB at 8 a day). An answer past this bound is a
 * fault upstream or on the way, and must not take the relay's memory with it.
 */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

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

export type HttpFailureKind = 'timeout' | 'aborted' | 'network' | 'host-not-allowed' | 'too-large';

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

/** Why an exchange was ended early: its body passed the bound. */
class TooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`response body larger than ${maxBytes} bytes`);
  }
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
  /** The body's bytes so far, when Graph said how many there would be (the usual case). */
  #body: Buffer | undefined;
  #filled = 0;
  /** Bytes received, whichever way they are kept. */
  #received = 0;
  #settled = false;

  constructor(
    private readonly resolve: (res: HttpResponse) => void,
    private readonly reject: (err: Error) => void,
    private readonly maxBytes: number,
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
    // Copied into one buffer of the announced size as they arrive, so each chunk is garbage at once: chunks kept
    // until the end outlived young-generation collections, and their memory (outside the heap) waited for a full one.
    const length = Number(this.#headers['content-length']);
    if (length > this.maxBytes) return this.abort(new TooLarge(this.maxBytes));
    if (Number.isSafeInteger(length) && length > 0) this.#body = Buffer.allocUnsafe(length);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    this.#received += chunk.length;
    if (this.#received > this.maxBytes) return this.abort(new TooLarge(this.maxBytes));
    const body = this.#body;
    if (body && this.#filled + chunk.length <= body.length) {
      chunk.copy(body, this.#filled);
      this.#filled += chunk.length;
      return;
    }
    // More than announced (undici refuses that; kept whole regardless), or no length: gathered and joined at the end.
    if (body) {
      this.#chunks.push(body.subarray(0, this.#filled));
      this.#body = undefined;
    }
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.#settled) return;
    this.#settled = true;
    let bytes: Buffer;
    if (this.#body) bytes = this.#body.subarray(0, this.#filled);
    else bytes = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
    this.resolve(new Received(this.#status, this.#headers, bytes));
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
  const maxResponseBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const dispatcher =
    options.dispatcher ??
    new Agent({
      connect: {
        timeout: options.connectTimeoutMs,
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
      exchange = new Exchange(resolve, reject, maxResponseBytes);
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
      if (err instanceof TooLarge) throw new HttpFailure('too-large', `answer from ${host} larger than ${err.maxBytes} bytes`, { cause: err });
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
