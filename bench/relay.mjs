// Benchmark child: the relay as production composes it (createRelay), listening on loopback.
import { createLogger } from '../dist/logger.js';
import { createRelay } from '../dist/relay.js';
import { BENCH_DOMAIN, DENSE_DOMAIN, GOOGLE, GRAPH_APP, reportStats } from './lib.mjs';

const { fakeUrl, ca, tenantId, cacheTtlSeconds = 0, singleFlight = false } = JSON.parse(process.argv[2]);
const config = {
  demo: false,
  server: { host: '127.0.0.1', port: 0 },
  google: { clients: [GOOGLE] },
  tokens: { signingKey: 'bench-signing-key-bench-signing-key-0000', lifetimeSeconds: 3600 },
  tenants: [{ id: 'bench', authority: `${fakeUrl}/${tenantId}`, graphEndpoint: fakeUrl, ...GRAPH_APP }],
  domains: [
    { name: BENCH_DOMAIN, tenant: 'bench', disclosure: 'freeBusy' },
    { name: DENSE_DOMAIN, tenant: 'bench', disclosure: 'details' },
  ],
  graph: { deadlineMs: 10_000, attemptTimeoutMs: 5_000, maxAttempts: 4, retryAfterCeilingMs: 5_000, chunkSize: 20 },
  graphScale: { maxConcurrentPerMailbox: 4, connectTimeoutMs: 3_000, breakerFailures: 5, breakerCooldownMs: 30_000, secretCheckMs: 1_000 },
  cache: { ttlSeconds: cacheTtlSeconds, maxEntries: 50_000, maxBytes: 67_108_864, redisTimeoutMs: 250, singleFlight },
  // The rate limiter stays on (its cost is part of the relay's), with limits above what one load generator sends:
  // the benchmark measures the work per lookup, not the refusal of an over-eager client.
  rateLimits: { windowMs: 60_000, tokenPerAddress: 1_000_000, tokenPerClient: 1_000_000, ewsPerAddress: 1_000_000, ewsPerClient: 1_000_000, basicFailuresPerAddress: 20 },
  limits: { maxBodyBytes: 1_048_576, maxXmlDepth: 32, maxXmlElements: 20_000 },
  log: { level: 'info' },
};
// Production logging (one audit line per lookup) to stdout, which the benchmark sends to /dev/null.
const relay = await createRelay(config, createLogger('info'), { extraCa: ca });
const url = await relay.app.listen({ host: '127.0.0.1', port: 0 });
reportStats(() => ({ cache: relay.cacheStats ?? null }));
process.send({ type: 'ready', url });
