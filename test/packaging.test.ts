// Dockerfile, Kubernetes manifests, Grafana dashboard and alert rules, checked against the app and its settings.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { envForms } from '../src/config/env-map.js';
import { loadConfig } from '../src/config/load.js';
import { listenerProblem } from '../src/http/server-factory.js';
import { configSchema } from '../src/config/schema.js';
import { RelayMetrics } from '../src/observability/metrics.js';
import { createRelay } from '../src/relay.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const K8S = join(ROOT, 'deploy/kubernetes');

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function docs(file: string): Doc[] {
  const parsed = parseAllDocuments(readFileSync(file, 'utf8'));
  const list = Array.isArray(parsed) ? parsed : [parsed];
  for (const d of list) expect(d.errors, file).toEqual([]);
  return list.map((d) => d.toJS() as Doc);
}

const manifests = [...readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').map((f) => join(K8S, f)), join(K8S, 'optional/redis.yaml')];
const all = manifests.flatMap(docs);
const find = (kind: string, name = 'calendar-relay') => all.find((d) => d.kind === kind && d.metadata?.name === name)!;
const deployment = find('Deployment');
const container = deployment.spec.template.spec.containers[0];
const configMap = find('ConfigMap');
const secret = find('Secret');
const envNames = new Set(envForms().map((f) => f.name));

describe('Kubernetes manifests', () => {
  it('are valid YAML with the objects kustomization lists', () => {
    const kustomization = docs(join(K8S, 'kustomization.yaml'))[0]!;
    for (const r of kustomization.resources as string[]) expect(existsSync(join(K8S, r)), r).toBe(true);
    expect(all.map((d) => d.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Deployment', 'PodDisruptionBudget', 'Secret', 'Service', 'Service']);
  });

  it('run two non-root replicas with resource limits and a PodDisruptionBudget over them', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(container.resources.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    const pdb = find('PodDisruptionBudget');
    expect(pdb.spec.minAvailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(find('Service').spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  it('use only environment variables the relay knows, with secrets as files from the mounted Secret', () => {
    const mount = container.volumeMounts.find((m: Doc) => m.name === 'secrets');
    expect(deployment.spec.template.spec.volumes.find((v: Doc) => v.name === 'secrets').secret.secretName).toBe(secret.metadata.name);
    for (const [name, value] of Object.entries(configMap.data as Record<string, string>)) {
      expect(envNames.has(name), `${name} is not in src/config/env-map.ts`).toBe(true);
      if (name.endsWith('_FILE')) {
        expect(value.startsWith(`${mount.mountPath}/`), name).toBe(true);
        expect(Object.keys(secret.stringData)).toContain(value.slice(mount.mountPath.length + 1));
      }
    }
  });

  it('form a valid relay configuration (the config map plus the secret files)', () => {
    const files = new Map(Object.entries(secret.stringData as Record<string, string>).map(([k, v]) => [`/run/secrets/calendar-relay/${k}`, v]));
    const config = loadConfig({ argv: [], env: configMap.data, readFile: (p) => files.get(p) ?? '' });
    expect(config.demo).toBe(false);
    // serve() refuses a configuration without TLS files or an explicit plain-HTTP choice.
    expect(listenerProblem(config)).toBeUndefined();
    // Behind the Ingress every request comes from a proxy: its X-Forwarded-For must be believed for the allow-list.
    expect(config.access.trustedProxies.length).toBeGreaterThan(0);
    expect(config.metrics.port).toBe(Number(container.ports.find((p: Doc) => p.name === 'metrics').containerPort));
    expect(container.ports.find((p: Doc) => p.name === 'http').containerPort).toBe(configSchema.parse({}).server.port);
    // SIGTERM comes after preStop; in-flight lookups get SHUTDOWN_GRACE_MS before the kubelet's SIGKILL.
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan((config.shutdown?.graceMs ?? 0) + 5_000);
  });

  it('probe paths the relay answers: liveness /health-check, readiness /ready', async () => {
    expect(container.livenessProbe.httpGet.path).toBe('/health-check');
    expect(container.readinessProbe.httpGet.path).toBe('/ready');
    const relay = await createRelay(loadConfig({ argv: [], env: {} }), pino({ level: 'silent' }), { metrics: new RelayMetrics({ defaultMetrics: false }) });
    try {
      for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
        const res = await relay.app.inject({ method: 'GET', url: probe.httpGet.path });
        expect(res.statusCode, probe.httpGet.path).toBe(200);
      }
      const metricsPath = deployment.spec.template.metadata.annotations['prometheus.io/path'];
      expect((await relay.app.inject({ method: 'GET', url: metricsPath })).statusCode).toBe(200);
    } finally {
      await relay.close();
    }
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const stages = text.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1) ?? '';

  it('builds in one stage and runs in another, as a non-root user', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(runtime).toMatch(/-slim/);
    expect(runtime).toMatch(/^USER (?!root|0\b)\S+/m);
    expect(runtime).not.toMatch(/npm (ci|install)\b/);
  });

  it('starts the package bin, checks /health-check, exposes the default and metrics ports', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(runtime).toContain(`ENTRYPOINT ["node", "${pkg.bin['calendar-relay']}"]`);
    expect(runtime).toMatch(/HEALTHCHECK[\s\S]*\/health-check/);
    expect(runtime).toMatch(new RegExp(`^EXPOSE ${configSchema.parse({}).server.port}\\b.*\\b${configMap.data.METRICS_PORT}\\b`, 'm'));
  });

  it('gives the relay the heap ceiling npm start uses, and Kubernetes room above it', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const flags = pkg.scripts['start']!.split(/\s+/).filter((w) => w.startsWith('--'));
    const heap = /^--max-old-space-size=(\d+)$/.exec(flags.find((f) => f.startsWith('--max-old-space-size=')) ?? '');
    expect(heap, 'npm start sets the V8 heap ceiling').not.toBeNull();
    expect(runtime).toMatch(new RegExp(`NODE_OPTIONS=${flags.join(' ')}(\\s|$)`, 'm'));
    const limit = /^(\d+)Mi$/.exec(String(container.resources.limits.memory));
    expect(Number(limit?.[1])).toBeGreaterThanOrEqual(Number(heap![1]) + 256);
  });

  it('copies only files that exist', () => {
    for (const l of lines.filter((x) => x.startsWith('COPY ') && !x.includes('--from'))) {
      for (const src of l.split(/\s+/).slice(1, -1)) expect(existsSync(join(ROOT, src)), src).toBe(true);
    }
  });
});

describe('Grafana dashboard and alert rules', () => {
  const metrics = new RelayMetrics();
  const known = (name: string) => metrics.registry.getSingleMetric(name.replace(/_(bucket|sum|count)$/, '')) !== undefined;

  it('query only metrics the relay exports', () => {
    const dashboard = readFileSync(join(ROOT, 'deploy/grafana/calendar-relay-dashboard.json'), 'utf8');
    const parsed = JSON.parse(dashboard) as { panels: unknown[] };
    expect(parsed.panels.length).toBeGreaterThan(10);
    const rules = readFileSync(join(ROOT, 'deploy/prometheus/alerts.yaml'), 'utf8');
    expect(docs(join(ROOT, 'deploy/prometheus/alerts.yaml'))[0]!.groups[0].rules.length).toBeGreaterThan(3);
    const names = new Set([...`${dashboard}\n${rules}`.matchAll(/calendar_relay_[a-z0-9_]+/g)].map((m) => m[0]));
    expect(names.size).toBeGreaterThan(10);
    for (const n of names) expect(known(n), n).toBe(true);
  });
});
