// The one configuration schema (zod): every setting, its default and unit. Loaded once, then frozen.
import { z } from 'zod';

const httpsUrl = z
  .string()
  .url()
  .refine((s) => s.startsWith('https://'), { message: 'must be an https:// URL' });

/** A secret given inline or as a path to a file holding it (Kubernetes/Docker/Vault mounts). */
const secretFields = <K extends string>(key: K) =>
  ({
    [key]: z.string().min(1).optional().describe(`${key} (inline)`),
    [`${key}File`]: z.string().min(1).optional().describe(`path of a file holding ${key}`),
  }) as Record<K | `${K}File`, z.ZodOptional<z.ZodString>>;

export const certificateSchema = z
  .object({
    ...secretFields('privateKey'),
    thumbprintSha256: z
      .string()
      .regex(/^[0-9A-Fa-f]{64}$/, 'must be 64 hex digits (SHA-256 thumbprint)')
      .describe('SHA-256 thumbprint of the certificate registered on the Entra app'),
    x5c: z.string().optional().describe('PEM certificate chain, sent as x5c for subject-name/issuer auth'),
  })
  .strict();

export const tenantSchema = z
  .object({
    id: z.string().min(1).default('default').describe('name other settings use to refer to this tenant'),
    authority: httpsUrl.describe('Entra authority, https://login.microsoftonline.com/<tenant id> (env GRAPH_AUTHORITY)'),
    graphEndpoint: httpsUrl.default('https://graph.microsoft.com').describe('Graph root URL (env GRAPH_ENDPOINT)'),
    clientId: z.string().min(1).describe('application (client) id of the Entra app (env GRAPH_CLIENT_ID)'),
    ...secretFields('clientSecret'),
    certificate: certificateSchema.optional().describe('certificate credential instead of a client secret'),
  })
  .strict();

export const domainSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .transform((s) => s.toLowerCase())
      .describe('email domain served, e.g. example.com (env RELAY_DOMAINS, comma-separated)'),
    tenant: z.string().min(1).default('default').describe('id of the tenant whose mailboxes live in this domain'),
    lookupMailbox: z.string().email().optional().describe('mailbox put in the getSchedule URL; default: an attendee'),
    disclosure: z
      .enum(['freeBusy', 'details'])
      .default('freeBusy')
      .describe('freeBusy: times and status only; details: also subject and location of non-private events'),
  })
  .strict();

export const googleClientSchema = z
  .object({
    clientId: z.string().min(1).describe('client id Google sends to /token (env GOOGLE_CLIENT_ID)'),
    ...secretFields('clientSecret'),
  })
  .strict();

export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().default('0.0.0.0').describe('address to listen on (env HOST)'),
        port: z.coerce.number().int().min(0).max(65535).default(8080).describe('TCP port (env PORT)'),
        publicUrl: z.string().url().optional().describe('URL Google uses to reach the relay; used as token issuer'),
      })
      .strict()
      .default({ host: '0.0.0.0', port: 8080 }),
    google: z
      .object({ clients: z.array(googleClientSchema).default([]) })
      .strict()
      .default({ clients: [] }),
    tokens: z
      .object({
        ...secretFields('signingKey'),
        lifetimeSeconds: z.coerce.number().int().min(60).max(86_400).default(3600).describe('access token lifetime, seconds'),
      })
      .strict()
      .default({ lifetimeSeconds: 3600 }),
    tenants: z.array(tenantSchema).default([]),
    domains: z.array(domainSchema).default([]),
    graph: z
      .object({
        deadlineMs: z.coerce.number().int().min(100).max(60_000).default(10_000).describe('overall time budget per EWS lookup, ms'),
        attemptTimeoutMs: z.coerce.number().int().min(100).max(60_000).default(5_000).describe('time limit of one Graph call, ms'),
        maxAttempts: z.coerce.number().int().min(1).max(10).default(4).describe('attempts per Graph call, first included'),
        retryAfterCeilingMs: z.coerce.number().int().min(0).max(120_000).default(5_000).describe('longest Retry-After honoured, ms'),
        chunkSize: z.coerce.number().int().min(1).max(20).default(20).describe('mailboxes per getSchedule call (Graph documents 20)'),
      })
      .strict()
      .default({ deadlineMs: 10_000, attemptTimeoutMs: 5_000, maxAttempts: 4, retryAfterCeilingMs: 5_000, chunkSize: 20 }),
    limits: z
      .object({
        maxBodyBytes: z.coerce.number().int().min(1024).max(10_485_760).default(1_048_576).describe('largest request body, bytes'),
        maxXmlDepth: z.coerce.number().int().min(8).max(256).default(32).describe('deepest XML nesting accepted'),
        maxXmlElements: z.coerce.number().int().min(100).max(1_000_000).default(20_000).describe('most XML elements in one request'),
      })
      .strict()
      .default({ maxBodyBytes: 1_048_576, maxXmlDepth: 32, maxXmlElements: 20_000 }),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .default({ level: 'info' }),
  })
  .strict();

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;

/** Secrets resolved (inline or from file) and cross-references checked: what the relay runs on. */
export interface ResolvedTenant {
  id: string;
  authority: string;
  graphEndpoint: string;
  clientId: string;
  clientSecret?: string;
  certificate?: { privateKey: string; thumbprintSha256: string; x5c?: string };
}
export interface ResolvedDomain {
  name: string;
  tenant: string;
  lookupMailbox?: string;
  disclosure: 'freeBusy' | 'details';
}
export interface RelayConfig {
  /** True when no Microsoft tenant is configured: the relay runs on the embedded demo tenant. */
  demo: boolean;
  server: { host: string; port: number; publicUrl?: string };
  google: { clients: { clientId: string; clientSecret: string }[] };
  tokens: { signingKey?: string; lifetimeSeconds: number };
  tenants: ResolvedTenant[];
  domains: ResolvedDomain[];
  graph: ParsedConfig['graph'];
  limits: ParsedConfig['limits'];
  log: ParsedConfig['log'];
}
