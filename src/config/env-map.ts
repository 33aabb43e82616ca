// Which environment variable sets which setting: one table shared by the loader and the docs generator.

/**
 * Where a variable lands. `global`: a fixed path. `tenant`: the tenant with id `default`. `google`:
 * `google.clients[0]`. `domains`: every domain listed in RELAY_DOMAINS.
 */
export type EnvScope = 'global' | 'tenant' | 'google' | 'domains';

export interface EnvSetting {
  /** Variable name, kept from the original Python relay where it had one. */
  name: string;
  scope: EnvScope;
  /** Dotted path inside the scope's object. */
  field: string;
  /** `integer` values are converted from decimal text; `secret` also accepts `<name>_FILE`; `list` is comma-separated; `boolean` is true/false. */
  kind: 'string' | 'integer' | 'secret' | 'list' | 'boolean';
}

export const ENV_SETTINGS: readonly EnvSetting[] = [
  { name: 'HOST', scope: 'global', field: 'server.host', kind: 'string' },
  { name: 'PORT', scope: 'global', field: 'server.port', kind: 'integer' },
  { name: 'RELAY_PUBLIC_URL', scope: 'global', field: 'server.publicUrl', kind: 'string' },
  { name: 'LOG_LEVEL', scope: 'global', field: 'log.level', kind: 'string' },
  { name: 'TOKEN_SIGNING_KEY', scope: 'global', field: 'tokens.signingKey', kind: 'secret' },
  { name: 'TOKEN_LIFETIME_SECONDS', scope: 'global', field: 'tokens.lifetimeSeconds', kind: 'integer' },
  { name: 'METRICS_PORT', scope: 'global', field: 'metrics.port', kind: 'integer' },
  { name: 'METRICS_TOKEN', scope: 'global', field: 'metrics.token', kind: 'secret' },
  { name: 'SHUTDOWN_GRACE_MS', scope: 'global', field: 'shutdown.graceMs', kind: 'integer' },
  { name: 'GRAPH_AUTHORITY', scope: 'tenant', field: 'authority', kind: 'string' },
  { name: 'GRAPH_CLOUD', scope: 'tenant', field: 'cloud', kind: 'string' },
  { name: 'GRAPH_TENANT_ID', scope: 'tenant', field: 'tenantId', kind: 'string' },
  { name: 'GRAPH_ENDPOINT', scope: 'tenant', field: 'graphEndpoint', kind: 'string' },
  { name: 'GRAPH_CLIENT_ID', scope: 'tenant', field: 'clientId', kind: 'string' },
  { name: 'GRAPH_CLIENT_SECRET', scope: 'tenant', field: 'clientSecret', kind: 'secret' },
  { name: 'GRAPH_CERTIFICATE_THUMBPRINT', scope: 'tenant', field: 'certificate.thumbprintSha256', kind: 'string' },
  { name: 'GRAPH_CERTIFICATE_KEY', scope: 'tenant', field: 'certificate.privateKey', kind: 'secret' },
  { name: 'GOOGLE_CLIENT_ID', scope: 'google', field: 'clientId', kind: 'string' },
  { name: 'GOOGLE_CLIENT_SECRET', scope: 'google', field: 'clientSecret', kind: 'secret' },
  { name: 'RELAY_DOMAINS', scope: 'domains', field: 'name', kind: 'list' },
  { name: 'RELAY_DISCLOSURE', scope: 'domains', field: 'disclosure', kind: 'string' },
  { name: 'GRAPH_LOOKUP_MAILBOX', scope: 'domains', field: 'lookupMailbox', kind: 'string' },
  { name: 'RELAY_PLAIN_HTTP', scope: 'global', field: 'server.plainHttp', kind: 'boolean' },
  { name: 'TLS_CERT_FILE', scope: 'global', field: 'tls.certFile', kind: 'string' },
  { name: 'TLS_KEY_FILE', scope: 'global', field: 'tls.keyFile', kind: 'string' },
  { name: 'RELAY_ALLOW_LIST', scope: 'global', field: 'access.allowList', kind: 'string' },
  { name: 'RELAY_ALLOWED_SOURCES', scope: 'global', field: 'access.allowedSources', kind: 'list' },
  { name: 'RELAY_TRUSTED_PROXIES', scope: 'global', field: 'access.trustedProxies', kind: 'list' },
  { name: 'TOKEN_PREVIOUS_SIGNING_KEY', scope: 'global', field: 'tokens.previousSigningKey', kind: 'secret' },
  { name: 'GOOGLE_PREVIOUS_CLIENT_SECRET', scope: 'google', field: 'previousClientSecret', kind: 'secret' },
  { name: 'GRAPH_LOOKUP_MAILBOXES', scope: 'domains', field: 'lookupMailboxes', kind: 'list' },
  { name: 'CACHE_TTL_SECONDS', scope: 'global', field: 'cache.ttlSeconds', kind: 'integer' },
  { name: 'CACHE_MAX_ENTRIES', scope: 'global', field: 'cache.maxEntries', kind: 'integer' },
  { name: 'CACHE_MAX_BYTES', scope: 'global', field: 'cache.maxBytes', kind: 'integer' },
  { name: 'REDIS_URL', scope: 'global', field: 'cache.redisUrl', kind: 'string' },
];

/** Variable naming the YAML config file (`--config` on the command line wins over it). */
export const CONFIG_FILE_ENV = 'RELAY_CONFIG';

/** The tenant id environment variables configure. */
export const ENV_TENANT_ID = 'default';

/** One variable form: the plain variable, or the `_FILE` form of a secret, with the field it sets. */
export interface EnvForm {
  name: string;
  field: string;
  setting: EnvSetting;
  isFile: boolean;
}

/** Every accepted variable, `_FILE` forms included. */
export function envForms(): EnvForm[] {
  return ENV_SETTINGS.flatMap((setting) => {
    const plain: EnvForm = { name: setting.name, field: setting.field, setting, isFile: false };
    if (setting.kind !== 'secret') return [plain];
    return [plain, { name: `${setting.name}_FILE`, field: `${setting.field}File`, setting, isFile: true }];
  });
}

/** YAML path pattern of a scope's object, `[]` standing for "an element of this list". */
export function scopePrefix(scope: EnvScope): string {
  switch (scope) {
    case 'global':
      return '';
    case 'tenant':
      return 'tenants[].';
    case 'google':
      return 'google.clients[].';
    case 'domains':
      return 'domains[].';
  }
}
