// The relay's pino logger: JSON lines, secrets and tokens redacted by path wherever they could appear.
import { pino, type DestinationStream, type Logger } from 'pino';

export const REDACT_PATHS = [
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
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
