// Misbehaviour on demand for the fake Graph: a queue of rules tests arm, each consumed by matching requests.

/** Which endpoint a rule applies to; `any` matches every request. */
export type FaultPath = 'metadata' | 'token' | 'getSchedule' | 'any';

export interface Fault {
  path?: FaultPath;
  /** Only getSchedule calls whose URL names this mailbox (case-insensitive). */
  mailbox?: string;
  /** How many matching requests the rule affects (default 1). */
  times?: number;
  /** Wait this long before answering (alone: a slow but correct answer). */
  delayMs?: number;
  /** Answer this HTTP status with the endpoint's usual error body (429, 503, 504, 500...). */
  status?: number;
  /** Sent as Retry-After (seconds) alongside `status`. */
  retryAfterSeconds?: number;
  /** Error code in the body of a `status` answer (default: derived from the status). */
  errorCode?: string;
  /** Destroy the socket without answering. */
  reset?: boolean;
  /** 200 with a truncated JSON body. */
  malformedJson?: boolean;
  /** 200 with an HTML page, as a captive proxy would send. */
  wrongContentType?: boolean;
  /** The usual answer, sent in small pieces without a Content-Length (chunked transfer encoding). */
  inPieces?: boolean;
}

interface ArmedFault extends Fault {
  remaining: number;
}

export class FaultQueue {
  #rules: ArmedFault[] = [];

  add(fault: Fault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RangeError('times must be a positive integer');
    this.#rules.push({ ...fault, remaining: times });
  }

  /** Takes the first armed rule matching this endpoint, if any. */
  take(path: Exclude<FaultPath, 'any'>, urlMailbox?: string): Fault | undefined {
    const rule = this.#rules.find(
      (r) =>
        ((r.path ?? 'any') === 'any' || r.path === path) &&
        (r.mailbox === undefined || r.mailbox.toLowerCase() === urlMailbox?.toLowerCase()),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.#rules.splice(this.#rules.indexOf(rule), 1);
    return rule;
  }

  clear(): void {
    this.#rules = [];
  }

  get pending(): number {
    return this.#rules.reduce((n, r) => n + r.remaining, 0);
  }
}

const graphCodes: Record<number, string> = {
  400: 'BadRequest',
  401: 'InvalidAuthenticationToken',
  403: 'ErrorAccessDenied',
  404: 'ResourceNotFound',
  429: 'ApplicationThrottled',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

export function faultGraphCode(fault: Fault): string {
  return fault.errorCode ?? graphCodes[fault.status ?? 500] ?? 'UnknownError';
}

export function faultMessage(status: number): string {
  if (status === 429) return 'Application is over its MailboxConcurrency limit.';
  if (status === 503) return 'The service is currently unavailable. Please retry later.';
  if (status === 504) return 'The operation timed out.';
  return `Injected failure (HTTP ${status}).`;
}
