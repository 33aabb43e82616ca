// Assembles the edge settings and the rotation secrets of the validated configuration (kept apart from load.ts).
import type { ParsedConfig, RelayConfig } from './schema.js';

type GoogleClientConfig = RelayConfig['google']['clients'][number];

export function googleClient(
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

export function withPreviousKey(tokens: RelayConfig['tokens'], previous: string | undefined): RelayConfig['tokens'] {
  return previous === undefined ? tokens : { ...tokens, previousKeys: [previous] };
}

export function edgeSettings(data: ParsedConfig): Pick<RelayConfig, 'tls' | 'access' | 'rateLimits' | 'concurrency' | 'timeouts'> {
  return {
    ...(data.tls === undefined ? {} : { tls: { ...data.tls } }),
    access: { ...data.access, allowedSources: [...data.access.allowedSources], trustedProxies: [...data.access.trustedProxies] },
    rateLimits: { ...data.rateLimits },
    concurrency: { ...data.concurrency },
    timeouts: { ...data.timeouts },
  };
}
