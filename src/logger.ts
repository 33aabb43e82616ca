// The relay's pino logger: JSON lines, secrets and tokens redacted by path wherever they could appear.
import { pino, type DestinationStream, type Logger } from 'pino';

const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.clientSecret',
  '*.client_secret',
  '*.access_token',
  '*.password',
  '*.signingKey',
  '*.privateKey',
  '*.subject',
  '*.location',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'calendar-relay' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { req: requestForLog, err: errorForLog },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** The field names REDACT_PATHS end in: redacted wherever they are a line's own (top-level) field. */
const FLAT_REDACT_PATHS = [...new Set(REDACT_PATHS.map((path) => path.slice(path.lastIndexOf('.') + 1)))];

/**
 * A child for lines the relay writes many times a second from its own flat fields (strings, numbers, arrays of
 * strings, counts by fixed code). pino runs a wildcard redaction path (`*.subject`) over every field of every
 * line, primitives included (~0.15 ms a line in the profile); these lines have no nested objects for a wildcard
 * to find, so here the same names are redacted as top-level fields only, which pino does without that work.
 */
export function flatLineLogger<L extends { child(bindings: object, options: { redact: { paths: string[]; censor: string } }): L }>(logger: L): L {
  return logger.child({}, { redact: { paths: FLAT_REDACT_PATHS, censor: '[redacted]' } });
}

/** Paths the relay serves; any other path is the client's free text and is not logged. */
const LOGGED_PATHS = new Set(['/', '/token', '/EWS/Exchange.asmx', '/health-check']);

/**
 * What a log line says about a request: never the query string or an unknown path (a client may put a secret
 * there, however wrong that is), never headers or body.
 */
function requestForLog(req: { method?: string; url?: string; socket?: { remoteAddress?: string } }): Record<string, unknown> {
  const url = typeof req.url === 'string' ? req.url : '';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return {
    method: req.method,
    url: LOGGED_PATHS.has(path) ? (query === -1 ? path : `${path}?[redacted]`) : '[other path]',
    remoteAddress: req.socket?.remoteAddress,
  };
}

/** pino's error serializer without `rawPacket`: Node attaches the client's raw bytes (headers included) to parse errors. */
function errorForLog(err: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  delete serialized['rawPacket'];
  return serialized;
}
