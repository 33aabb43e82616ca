// Settings of the internet edge (TLS, source allow-list, rate limits, concurrency, timeouts), part of the one schema.
import { isIP } from 'node:net';
import { z } from 'zod';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** Google Calendar Interop's published source ranges (docs/protocol.md §1). */
export const GOOGLE_INTEROP_RANGES = [
  '74.125.88.0/27',
  '2001:4860:4::/64',
  '2404:6800:4::/64',
  '2607:f8b0:4::/64',
  '2800:3f0:4::/64',
  '2a00:1450:4::/64',
  '2c0f:fb50:4::/64',
] as const;

/** An IPv4/IPv6 address or CIDR range. */
const cidr = z.string().refine(
  (s) => {
    const [addr, bits, extra] = s.split('/');
    if (extra !== undefined || addr === undefined) return false;
    const family = isIP(addr);
    if (family === 0) return false;
    if (bits === undefined) return true;
    return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
  },
  { message: 'must be an IP address or CIDR range such as 74.125.88.0/27 or 2001:4860:4::/64' },
);

export const SCRYPT_HASH = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]{16,}\$[A-Za-z0-9_-]{32,}$/;

export const basicAccountSchema = z
  .object({
    username: z.string().email().describe('role account email address Google sends with HTTP Basic'),
    passwordHash: z
      .string()
      .regex(SCRYPT_HASH, 'must be a hash made by `npm run hash-password` (scrypt$N$r$p$salt$hash), never a clear password')
      .describe('scrypt hash of the password (make one with `npm run hash-password`)'),
  })
  .strict();

export const tlsSchema = z
  .object({
    certFile: z.string().min(1).describe('PEM certificate chain file; re-read when it changes (certbot, cert-manager)'),
    keyFile: z.string().min(1).describe('PEM private key file; re-read when it changes'),
    minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2').describe('lowest TLS version accepted'),
    reloadCheckMs: int(50, 3_600_000).default(30_000).describe('how often the files are checked for a change, ms'),
  })
  .strict();

export const accessSchema = z
  .object({
    allowList: z
      .enum(['auto', 'on', 'off'])
      .default('auto')
      .describe('source address allow-list; auto: on outside demo mode. Loopback is always allowed'),
    allowedSources: z
      .array(cidr)
      .default([...GOOGLE_INTEROP_RANGES])
      .describe("addresses or ranges allowed in (default: Google Calendar Interop's ranges)"),
    trustedProxies: z
      .array(cidr)
      .default([])
      .describe('proxies whose X-Forwarded-For is believed (default: none, the header is ignored)'),
  })
  .strict();

export const rateLimitsSchema = z
  .object({
    windowMs: int(1000, 3_600_000).default(60_000).describe('rate limit window, ms'),
    tokenPerAddress: int(1, 1_000_000).default(60).describe('/token requests per source address per window'),
    tokenPerClient: int(1, 1_000_000).default(30).describe('/token requests per client id per window'),
    ewsPerAddress: int(1, 1_000_000).default(6000).describe('EWS requests per source address per window'),
    ewsPerClient: int(1, 1_000_000).default(6000).describe('EWS requests per authenticated client per window'),
    basicFailuresPerAddress: int(1, 1_000_000)
      .default(20)
      .describe('failed HTTP Basic logins on the EWS endpoint per source address per window; more are refused before any password check'),
  })
  .strict();

export const concurrencySchema = z
  .object({
    maxLookups: int(1, 10_000).default(64).describe('EWS requests processed at once; more are shed with ErrorServerBusy'),
    backOffMs: int(0, 600_000).default(2000).describe('BackOffMilliseconds sent with ErrorServerBusy'),
  })
  .strict();

export const timeoutsSchema = z
  .object({
    headersMs: int(100, 600_000).default(10_000).describe('time for a client to send the request headers, ms'),
    requestMs: int(100, 600_000).default(30_000).describe('time for a client to send the whole request, ms'),
    idleMs: int(100, 600_000).default(30_000).describe('socket closed after this much inactivity, ms'),
    keepAliveMs: int(100, 600_000).default(5_000).describe('how long an idle keep-alive connection stays open, ms'),
    maxHeaderBytes: int(1024, 65_536).default(16_384).describe('largest request header block, bytes'),
  })
  .strict();

export type TlsSettings = z.output<typeof tlsSchema>;
export type AccessSettings = z.output<typeof accessSchema>;
export type RateLimitSettings = z.output<typeof rateLimitsSchema>;
export type ConcurrencySettings = z.output<typeof concurrencySchema>;
export type TimeoutSettings = z.output<typeof timeoutsSchema>;
export type BasicAccount = z.output<typeof basicAccountSchema>;

