// loadConfig: YAML file, then environment on top, through the one schema; every problem in one ConfigError; frozen.
import { readFileSync } from 'node:fs';
import { cloudEndpoints } from './clouds.js';
import { checkClientDomains, crossCheck } from './cross-checks.js';
import { overlayEnv } from './env-overlay.js';
import { ConfigError, formatProblem, problemsFromIssues, type EnvLabels, type Problem } from './problems.js';
import { configSchema, type ParsedConfig, type RelayConfig, type ResolvedTenant } from './schema.js';
import { checkSecretForms, resolveSecrets, secretFilePaths, secretSlots } from './secrets.js';
import { findConfigFile, readYamlConfig, type Env, type ReadFile } from './yaml-source.js';

export { ConfigError } from './problems.js';
export type { Env, ReadFile } from './yaml-source.js';

export interface LoadConfigOptions {
  /** Command-line arguments (`process.argv.slice(2)`); only `--config <path>` / `--config=<path>` is read. */
  argv: readonly string[];
  /** Environment (`process.env`). */
  env: Env;
  /** Reads a UTF-8 file (the YAML and `...File` secrets); injected by tests. Default: fs.readFileSync. */
  readFile?: ReadFile;
}

const MIN_SIGNING_KEY_LENGTH = 32;

/** Loads, validates and deep-freezes the configuration, or throws one ConfigError listing every problem. */
export function loadConfig({ argv, env, readFile = (p) => readFileSync(p, 'utf8') }: LoadConfigOptions): RelayConfig {
  const problems: Problem[] = [];
  const ref = findConfigFile(argv, env, problems);
  const raw = ref ? readYamlConfig(ref, readFile, problems) : {};
  // Without the file's settings, every later check would report things the file may well set.
  if (problems.length > 0) throw new ConfigError(problems.map((p) => formatProblem(p, new Map())));
  const { labels } = overlayEnv(raw, env, problems);
  return configFromRaw(raw, { readFile, labels, problems });
}

export interface FromRawOptions {
  /** Reads the `...File` secrets. */
  readFile: ReadFile;
  /** Environment variables each setting came from, named in problems. */
  labels?: EnvLabels;
  /** Problems found before (YAML, environment); reported together with these. */
  problems?: Problem[];
}

/**
 * The configuration from raw settings (YAML and environment already merged): the one schema (its defaults), the
 * cross-checks, the secrets read; deep-frozen. Throws one ConfigError listing every problem. loadConfig's second half,
 * and how tests build configurations.
 */
export function configFromRaw(raw: Record<string, unknown>, { readFile, labels = new Map(), problems = [] }: FromRawOptions): RelayConfig {
  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) problems.push(...problemsFromIssues(parsed.error.issues));

  const slots = secretSlots(raw);
  checkSecretForms(slots, labels, problems);
  crossCheck(raw, slots, problems);
  checkClientDomains(raw, problems);
  const secrets = resolveSecrets(slots, readFile, problems);
  for (const path of ['tokens.signingKey', 'tokens.previousSigningKey']) {
    const key = secrets.get(path);
    if (key !== undefined && key.length < MIN_SIGNING_KEY_LENGTH) {
      problems.push({ path, message: `must be at least ${MIN_SIGNING_KEY_LENGTH} characters` });
    }
  }

  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(problems.map((p) => formatProblem(p, labels)));
  }
  return deepFreeze(assemble(parsed.data, secrets, secretFilePaths(slots)));
}

/** The validated settings with secrets in place of their `...File` paths. */
function assemble(data: ParsedConfig, secrets: ReadonlyMap<string, string>, files: ReadonlyMap<string, string> = new Map()): RelayConfig {
  const secret = (path: string) => {
    const value = secrets.get(path);
    if (value === undefined) throw new Error(`internal: secret ${path} was validated but not resolved`);
    return value;
  };
  const tenants = data.tenants.map((t, i): ResolvedTenant => {
    const endpoints = cloudEndpoints(t);
    if (endpoints.authority === undefined || endpoints.graphEndpoint === undefined) throw new Error(`internal: tenants[${i}] endpoints were validated but not resolved`);
    const tenant: ResolvedTenant = {
      id: t.id,
      authority: trimSlash(endpoints.authority),
      graphEndpoint: trimSlash(endpoints.graphEndpoint),
      clientId: t.clientId,
    };
    const secretFile = files.get(`tenants[${i}].clientSecret`);
    const keyFile = files.get(`tenants[${i}].certificate.privateKey`);
    if (secretFile || keyFile) tenant.secretFiles = { ...(secretFile && !t.certificate ? { clientSecret: secretFile } : {}), ...(keyFile ? { privateKey: keyFile } : {}) };
    if (t.certificate) {
      const { thumbprintSha256, x5c } = t.certificate;
      const privateKey = secret(`tenants[${i}].certificate.privateKey`);
      tenant.certificate = x5c === undefined ? { privateKey, thumbprintSha256 } : { privateKey, thumbprintSha256, x5c };
    } else {
      tenant.clientSecret = secret(`tenants[${i}].clientSecret`);
    }
    return tenant;
  });
  const signingKey = secrets.get('tokens.signingKey');
  return {
    demo: tenants.length === 0,
    server: { ...data.server },
    google: {
      clients: data.google.clients.map((c, i) => googleClient(c, secret(`google.clients[${i}].clientSecret`), secrets.get(`google.clients[${i}].previousClientSecret`))),
    },
    tokens: withPreviousKey(
      signingKey === undefined ? { lifetimeSeconds: data.tokens.lifetimeSeconds } : { signingKey, lifetimeSeconds: data.tokens.lifetimeSeconds },
      secrets.get('tokens.previousSigningKey'),
    ),
    tenants,
    domains: data.domains.map((d) => ({ ...d })),
    graph: { ...data.graph },
    graphScale: { ...data.graphScale },
    cache: { ...data.cache },
    limits: { ...data.limits },
    log: { ...data.log },
    metrics: metricsSettings(data.metrics, secrets.get('metrics.token')),
    shutdown: { ...data.shutdown },
    readiness: { ...data.readiness },
    ...edgeSettings(data),
  };
}

function metricsSettings(m: ParsedConfig['metrics'], token: string | undefined): RelayConfig['metrics'] {
  return { enabled: m.enabled, ...(m.port === undefined ? {} : { port: m.port }), ...(token === undefined ? {} : { token }) };
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

// Assembling the edge settings and the rotation secrets of the validated configuration.
type GoogleClientConfig = RelayConfig['google']['clients'][number];

function googleClient(
  parsed: ParsedConfig['google']['clients'][number],
  clientSecret: string,
  previousClientSecret: string | undefined,
): GoogleClientConfig {
  return {
    clientId: parsed.clientId,
    clientSecret,
    ...(previousClientSecret === undefined ? {} : { previousClientSecret }),
    ...(parsed.domains === undefined ? {} : { domains: [...parsed.domains] }),
  };
}

function withPreviousKey(tokens: RelayConfig['tokens'], previous: string | undefined): RelayConfig['tokens'] {
  return previous === undefined ? tokens : { ...tokens, previousKeys: [previous] };
}

function edgeSettings(data: ParsedConfig): Pick<RelayConfig, 'tls' | 'access' | 'rateLimits' | 'concurrency' | 'timeouts'> {
  return {
    ...(data.tls === undefined ? {} : { tls: { ...data.tls } }),
    access: { ...data.access, allowedSources: [...data.access.allowedSources], trustedProxies: [...data.access.trustedProxies] },
    rateLimits: { ...data.rateLimits },
    concurrency: { ...data.concurrency },
    timeouts: { ...data.timeouts },
  };
}
