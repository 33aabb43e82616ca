// GET /metrics (Prometheus text, optionally behind a bearer token), GET /ready, and per-route HTTP counters.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { RelayMetrics } from '../observability/metrics.js';
import type { Readiness } from '../observability/readiness.js';

const METRICS_PATH = '/metrics';
export const READY_PATH = '/ready';
export const HEALTH_PATH = '/health-check';

function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Registers GET /metrics on `app` (the main listener or the separate metrics one). */
export async function metricsRoute(app: FastifyInstance, opts: { metrics: RelayMetrics; token?: string | undefined }): Promise<void> {
  app.get(METRICS_PATH, async (request, reply) => {
    if (opts.token !== undefined) {
      const header = request.headers.authorization ?? '';
      const given = /^bearer\s+(\S+)$/i.exec(header)?.[1];
      if (given === undefined || !sameToken(given, opts.token)) {
        return reply.code(401).header('WWW-Authenticate', 'Bearer realm="calendar-relay-metrics"').send({ error: 'unauthorized' });
      }
    }
    const { contentType, body } = await opts.metrics.text();
    return reply.type(contentType).send(body);
  });
}

/** Counts every answered request by route pattern (not raw URL, so label cardinality stays bounded). */
export function countHttpRequests(app: FastifyInstance, metrics: RelayMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequest(request.routeOptions.url ?? 'unmatched', reply.statusCode);
    done();
  });
}

/** GET /ready: 200 when every tenant has a token and Graph is not failing, else 503; the JSON says which. */
export async function readinessRoute(app: FastifyInstance, opts: { readiness?: Readiness | undefined }): Promise<void> {
  app.get(READY_PATH, async (_request, reply) => {
    if (!opts.readiness) return { ready: true, draining: false, tenants: {} };
    const report = await opts.readiness.check();
    return reply.code(report.ready ? 200 : 503).header('Cache-Control', 'no-store').send(report);
  });
}
