// The one configuration schema (zod): every setting, its default and unit. Loaded once, then frozen.
import { z } from 'zod';
import {
  accessSchema,
  basicAccountSchema,
  concurrencySchema,
  rateLimitsSchema,
  timeoutsSchema,
  tlsSchema,
} from './edge-schema.js';
import { CLOUD_NAMES } from './clouds.js';
// The tenant the environment variables configure is also the one a tenant or domain without an id means; the
// cross-checks, which read the raw settings, rely on that.
import { ENV_TENANT_ID } from './env-map.js';

const httpsUrl = z
  .string()
  .url()
  .refine((s) => s.startsWith('https://'), { message: 'must be an https:// URL' });

/** An Entra authority must name one tenant: app-only tokens cannot come from common/organizations/consumers. */
const authorityUrl = httpsUrl.refine(
  (s) => {
    const segment = new URL(s).pathname.split('/').filter(Boolean)[0]?.toLowerCase();
    return segment !== undefined && !['common', 'organizations', 'consumers'].includes(segment);
  },
  { message: 'must name a tenant: https://login.microsoftonline.com/<tenant id>' },
);

/** Whole numbers only; strings are not coerced here (the loader converts numeric environment values). */
const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** A secret given inline or as a path to a file holding it (Kubernetes/Docker/Vault mounts). */
const secretFields = <K extends string>(key: K, what: string, note = '') =>
  ({
    [key]: z.string().min(1).optional().describe(`${what}${note}, inline (or use ${key}File)`),
    [`${key}File`]: z
      .string()
      .min(1)
      .optional()
      .describe(`path of a file holding the ${what}; one trailing newline is trimmed; relative to the config file`),
  }) as Record<K | `${K}File`, z.ZodOptional<z.ZodString>>;

const certificateSchema = z
  .object({
    ...secretFields('privateKey', 'PEM private key of the certificate'),
    thumbprintSha256: z
      .string()
      .regex(/^[0-9A-Fa-f]{64}$/, 'must be 64 hex digits (SHA-256 thumbprint)')
      .describe('SHA-256 thumbprint of the certificate registered on the Entra app'),
    x5c: z.string().optional().describe('PEM certificate chain, sent as x5c for subject-name/issuer auth'),
  })
  .strict();

const tenantSchema = z
  .object({
    id: z.string().min(1).default(ENV_TENANT_ID).describe('name other settings use to refer to this tenant'),
    cloud: z
      .enum(CLOUD_NAMES)
      .default('global')
      .describe('Microsoft cloud whose Entra and Graph hosts are used: global, usGov, usGovDoD, china'),
    tenantId: z.string().min(1).optional().describe('Entra tenant id or domain; with `cloud`, sets the authority'),
    authority: authorityUrl
      .optional()
      .describe('Entra authority, https://login.microsoftonline.com/<tenant id>; default: the cloud\'s, from tenantId'),
    graphEndpoint: httpsUrl.optional().describe('Graph root URL; default: the cloud\'s (global: https://graph.microsoft.com)'),
    clientId: z.string().min(1).describe('application (client) id of the Entra app'),
    ...secretFields('clientSecret', 'client secret of the Entra app'),
    certificate: certificateSchema.optional().describe('certificate credential, instead of a client secret'),
  })
  .strict();

const domainSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, 'must be a domain name such as example.com')
      .transform((s) => s.toLowerCase())
      .describe('email domain served, e.g. example.com (lower-cased)'),
    tenant: z.string().min(1).default(ENV_TENANT_ID).describe('id of the tenant whose mailboxes live in this domain'),
    lookupMailbox: z.string().email().optional().describe('mailbox put in the getSchedule URL; default: an attendee'),
    lookupMailboxes: z
      .array(z.string().email())
      .optional()
      .describe('several mailboxes for the getSchedule URL; calls spread over them (with lookupMailbox, it comes first)'),
    disclosure: z
      .enum(['freeBusy', 'details'])
      .default('freeBusy')
      .describe('freeBusy: times and status only; details: also subject and location of non-private events'),
    basicAuth: z
      .array(basicAccountSchema)
      .optional()
      .describe("role accounts that may use HTTP Basic on the EWS endpoint for this domain (Google's on-premises type)"),
  })
  .strict();

const googleClientSchema = z
  .object({
    clientId: z.string().min(1).describe('client id Google sends to /token'),
    ...secretFields('clientSecret', 'client secret Google sends to /token'),
    ...secretFields('previousClientSecret', 'previous client secret, still accepted while Google is moved to the new one'),
    domains: z
      .array(z.string().min(1).transform((s) => s.toLowerCase()))
      .optional()
      .describe('domains this client may look up (unset: every served domain)'),
  })
  .strict();

export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().min(1).default('0.0.0.0').describe('address to listen on'),
        port: int(0, 65535).default(8080).describe('TCP port (0: any free port)'),
        publicUrl: z.string().url().optional().describe('URL Google uses to reach the relay; used as token issuer'),
        plainHttp: z
          .boolean()
          .optional()
          .describe('true: serve plain HTTP without tls (behind a TLS-terminating proxy); required to run without tls outside demo mode (default false)'),
      })
      .strict()
      .default({ host: '0.0.0.0', port: 8080 })
      .describe('the HTTP listener'),
    google: z
      .object({
        clients: z.array(googleClientSchema).default([]).describe('OAuth clients Google Calendar Interop may use'),
      })
      .strict()
      .default({ clients: [] })
      .describe('Google Calendar Interop'),
    tokens: z
      .object({
        ...secretFields(
          'signingKey',
          'HMAC key signing access tokens',
          ' (at least 32 characters; unset: random per process, so tokens end with a restart)',
        ),
        lifetimeSeconds: int(60, 86_400).default(3600).describe('access token lifetime, seconds'),
        ...secretFields(
          'previousSigningKey',
          'former signing key',
          ' (tokens it signed keep verifying, selected by kid, until they expire; remove it one token lifetime after a rotation)',
        ),
      })
      .strict()
      .default({ lifetimeSeconds: 3600 })
      .describe('access tokens the relay issues at /token'),
    tenants: z.array(tenantSchema).default([]).describe('Microsoft tenants (Entra apps); none: demo mode'),
    domains: z.array(domainSchema).default([]).describe('email domains served and the tenant of each'),
    graph: z
      .object({
        deadlineMs: int(100, 60_000).default(10_000).describe('overall time budget per EWS lookup, ms'),
        attemptTimeoutMs: int(100, 60_000).default(5_000).describe('time limit of one Graph call, ms'),
        maxAttempts: int(1, 10).default(4).describe('attempts per Graph call, first included'),
        retryAfterCeilingMs: int(0, 120_000).default(5_000).describe('longest Retry-After honoured, ms'),
        chunkSize: int(1, 20).default(20).describe('mailboxes per getSchedule call (Graph documents 20)'),
      })
      .strict()
      .default({ deadlineMs: 10_000, attemptTimeoutMs: 5_000, maxAttempts: 4, retryAfterCeilingMs: 5_000, chunkSize: 20 })
      .describe('calls to Microsoft Graph'),
    graphScale: z
      .object({
        maxConcurrentPerMailbox: int(1, 4).default(4).describe('Graph calls in flight per URL mailbox (Graph allows 4); more wait'),
        connectTimeoutMs: int(100, 60_000).default(3_000).describe('TCP+TLS connect limit to Graph and Entra, ms'),
        breakerFailures: int(1, 1000).default(5).describe('consecutive failed Graph calls of a tenant that open its circuit breaker'),
        breakerCooldownMs: int(100, 600_000).default(30_000).describe('while open, the tenant\'s lookups fail fast; then one trial call, ms'),
        secretCheckMs: int(0, 3_600_000).default(1_000).describe('how often secret files are checked for rotation on use, ms (0: every use)'),
      })
      .strict()
      .default({ maxConcurrentPerMailbox: 4, connectTimeoutMs: 3_000, breakerFailures: 5, breakerCooldownMs: 30_000, secretCheckMs: 1_000 })
      .describe('Graph at scale: concurrency, connections, circuit breaker, secret rotation'),
    cache: z
      .object({
        ttlSeconds: int(0, 3600).default(60).describe('lifetime of a cached free/busy answer, seconds (0: no cache, no single flight)'),
        maxEntries: int(1, 10_000_000).default(50_000).describe('most mailbox+window answers kept in memory'),
        maxBytes: int(1024, 4_294_967_296).default(67_108_864).describe('most bytes of cached answers kept in memory'),
        redisUrl: z
          .string()
          .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
          .optional()
          .describe('shared cache for replicas (redis://host:6379/0); unset: in-memory cache per process'),
        redisTimeoutMs: int(10, 10_000).default(250).describe('limit of one Redis command; slower counts as an outage, ms'),
        singleFlight: z.boolean().default(true).describe('identical concurrent mailbox lookups share one Graph call (also with ttlSeconds 0)'),
      })
      .strict()
      .default({ ttlSeconds: 60, maxEntries: 50_000, maxBytes: 67_108_864, redisTimeoutMs: 250, singleFlight: true })
      .describe('free/busy cache, keyed by mailbox and UTC window'),
    limits: z
      .object({
        maxBodyBytes: int(1024, 10_485_760).default(1_048_576).describe('largest request body, bytes'),
        maxXmlDepth: int(8, 256).default(32).describe('deepest XML nesting accepted'),
        maxXmlElements: int(100, 1_000_000).default(20_000).describe('most XML elements in one request'),
      })
      .strict()
      .default({ maxBodyBytes: 1_048_576, maxXmlDepth: 32, maxXmlElements: 20_000 })
      .describe('request size limits'),
    metrics: z
      .object({
        enabled: z.boolean().default(true).describe('serve Prometheus metrics at /metrics'),
        port: int(0, 65535)
          .optional()
          .describe('serve /metrics on this separate port instead of the main one (keeps it off the public listener)'),
        ...secretFields('token', 'bearer token /metrics requires', ' (unset: no token asked)'),
      })
      .strict()
      .default({ enabled: true })
      .describe('Prometheus metrics'),
    shutdown: z
      .object({
        graceMs: int(0, 300_000).default(10_000).describe('on SIGTERM, how long in-flight lookups may take to finish, ms'),
      })
      .strict()
      .default({ graceMs: 10_000 })
      .describe('graceful shutdown'),
    readiness: z
      .object({
        graphRecentMs: int(1_000, 86_400_000)
          .default(300_000)
          .describe('a Graph failure newer than any success within this span makes /ready fail, ms'),
        tokenTimeoutMs: int(100, 60_000).default(3_000).describe('time /ready waits for a tenant token, ms'),
      })
      .strict()
      .default({ graphRecentMs: 300_000, tokenTimeoutMs: 3_000 })
      .describe('the readiness endpoint /ready'),
    tls: tlsSchema.optional().describe('native HTTPS (cert and key files); unset: plain HTTP, allowed only with server.plainHttp or in demo mode'),
    access: accessSchema.default(accessSchema.parse({})).describe('who may connect'),
    rateLimits: rateLimitsSchema.default(rateLimitsSchema.parse({})).describe('request rate limits on /token and the EWS endpoint'),
    concurrency: concurrencySchema.default(concurrencySchema.parse({})).describe('load shedding'),
    timeouts: timeoutsSchema.default(timeoutsSchema.parse({})).describe('connection limits against slow clients'),
    log: z
      .object({
        level: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info')
          .describe('pino log level'),
      })
      .strict()
      .default({ level: 'info' })
      .describe('logging'),
  })
  .strict();

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;

type ParsedTenant = ParsedConfig['tenants'][number];
type ParsedGoogleClient = ParsedConfig['google']['clients'][number];
type SecretFile<K extends string> = K | `${K}File`;

/**
 * A tenant as the relay runs it: its cloud resolved to `authority`/`graphEndpoint`, its secret (or certificate key)
 * read. `secretFiles`: the files they came from, re-read when they change.
 */
export type ResolvedTenant = Pick<ParsedTenant, 'id' | 'clientId'> & {
  authority: string;
  graphEndpoint: string;
  clientSecret?: string;
  certificate?: Omit<NonNullable<ParsedTenant['certificate']>, SecretFile<'privateKey'>> & { privateKey: string };
  secretFiles?: { clientSecret?: string; privateKey?: string };
};
export type ResolvedDomain = ParsedConfig['domains'][number];
export type ResolvedGoogleClient = Omit<ParsedGoogleClient, SecretFile<'clientSecret' | 'previousClientSecret'>> & {
  clientSecret: string;
  previousClientSecret?: string;
};

/** The parts of the configuration the loader resolves beyond the schema: secrets read, clouds turned into URLs. */
interface Resolved {
  /** True when no Microsoft tenant is configured: the relay runs on the embedded demo tenant. */
  demo: boolean;
  google: { clients: ResolvedGoogleClient[] };
  /** `previousKeys`: the former signing key, when one is set (tokens it signed keep verifying). */
  tokens: Omit<ParsedConfig['tokens'], SecretFile<'signingKey' | 'previousSigningKey'>> & { signingKey?: string; previousKeys?: string[] };
  tenants: ResolvedTenant[];
  domains: ResolvedDomain[];
  metrics: Omit<ParsedConfig['metrics'], SecretFile<'token'>> & { token?: string };
}

/**
 * What the relay runs on: the schema's output (every section present, defaults filled in by the schema alone)
 * with the resolved parts in place of their raw forms. Made only by the loader (`loadConfig`, `configFromRaw`), frozen.
 */
export type RelayConfig = Omit<ParsedConfig, keyof Resolved> & Resolved;
