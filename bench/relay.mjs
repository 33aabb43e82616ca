// Benchmark child: the relay as production composes it (createRelay), listening on loopback.
import { configFromRaw } from '../dist/config/load.js';
import { createLogger } from '../dist/logger.js';
import { createRelay } from '../dist/relay.js';
import { BENCH_DOMAIN, DENSE_DOMAIN, GOOGLE, GRAPH_APP, reportStats } from './lib.mjs';

const { fakeUrl, ca, tenantId, cacheTtlSeconds = 0, singleFlight = false } = JSON.parse(process.argv[2]);
// Raw settings through the schema, as the loader does: the schema fills every default.
const config = configFromRaw({
  server: { host: '127.0.0.1', port: 0, plainHttp: true },
  google: { clients: [GOOGLE] },
  tokens: { signingKey: 'bench-signing-key-bench-signing-key-0000', lifetimeSeconds: 3600 },
  tenants: [{ id: 'bench', authority: `${fakeUrl}/${tenantId}`, graphEndpoint: fakeUrl, ...GRAPH_APP }],
  domains: [
    { name: BENCH_DOMAIN, tenant: 'bench', disclosure: 'freeBusy' },
    { name: DENSE_DOMAIN, tenant: 'bench', disclosure: 'details' },
  ],
  cache: { ttlSeconds: cacheTtlSeconds, singleFlight },
  // The rate limiter stays on (its cost is part of the relay's), with limits above what one load generator sends:
  // the benchmark measures the work per lookup, not the refusal of an over-eager client.
  rateLimits: { windowMs: 60_000, tokenPerAddress: 1_000_000, tokenPerClient: 1_000_000, ewsPerAddress: 1_000_000, ewsPerClient: 1_000_000, basicFailuresPerAddress: 20 },
}, { readFile: () => { throw new Error('the benchmark reads no secret files'); } });
// Production logging (one audit line per lookup) to stdout, which the benchmark sends to /dev/null.
const relay = await createRelay(config, createLogger('info'), { extraCa: ca });
const url = await relay.app.listen({ host: '127.0.0.1', port: 0 });
reportStats(() => ({ cache: relay.cacheStats ?? null }));
process.send({ type: 'ready', url });
