// Graceful shutdown: the real process (calendar-relay serve) gets SIGTERM with a lookup in flight against a slow Graph.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraph, type FakeGraph } from '../src/demo/fake-graph.js';
import { CLIENT_ID, CLIENT_SECRET, T0, TENANT_ID, tenantData } from '../src/graph/test-support.js';
import { defaultNamespaceRequest } from './support/samples.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GOOGLE = { id: 'google-interop', secret: 'google-secret-0123456789abcdef0123456789' };
let fake: FakeGraph;
let caFile: string;

beforeAll(async () => {
  fake = await startFakeGraph({ tenants: [tenantData()] });
  caFile = join(mkdtempSync(join(tmpdir(), 'relay-shutdown-')), 'ca.pem');
  writeFileSync(caFile, fake.ca);
});
afterAll(() => fake.close());

interface Running {
  child: ChildProcess;
  base: string;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
}

/** Starts `calendar-relay serve` from the sources and resolves once it logs that it listens. */
async function startRelay(graceMs: number): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_EXTRA_CA_CERTS: caFile,
      HOST: '127.0.0.1',
      PORT: '0',
      GRAPH_AUTHORITY: `${fake.url}/${TENANT_ID}`,
      GRAPH_ENDPOINT: fake.url,
      GRAPH_CLIENT_ID: CLIENT_ID,
      GRAPH_CLIENT_SECRET: CLIENT_SECRET,
      RELAY_DOMAINS: 'example.com',
      RELAY_PLAIN_HTTP: 'true',
      GOOGLE_CLIENT_ID: GOOGLE.id,
      GOOGLE_CLIENT_SECRET: GOOGLE.secret,
      TOKEN_SIGNING_KEY: 'k'.repeat(40),
      SHUTDOWN_GRACE_MS: String(graceMs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
  const base = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`relay did not start: ${stderr}`)), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      buffer += String(d);
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          lines.push(entry);
          if (entry.event === 'relay.listening') {
            clearTimeout(timer);
            resolve(String(entry.address));
          }
        } catch {
          // not a log line
        }
      }
    });
    void exited.then((code) => reject(new Error(`relay exited with ${code}: ${stderr}`)));
  });
  return { child, base, lines, exited };
}

async function lookup(base: string) {
  const form = `client_id=${GOOGLE.id}&client_secret=${GOOGLE.secret}`;
  const tokenRes = await request(`${base}/token`, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const token = ((await tokenRes.body.json()) as { access_token: string }).access_token;
  const xml = defaultNamespaceRequest({ mailboxes: ['alice@example.com'], start: new Date(T0).toISOString().slice(0, 19), end: new Date(T0 + 86_400_000).toISOString().slice(0, 19), view: 'FreeBusy' });
  return async () => {
    const res = await request(`${base}/`, { method: 'POST', body: xml, headers: { 'content-type': 'text/xml', authorization: `Bearer ${token}` } });
    return { status: res.statusCode, body: await res.body.text() };
  };
}

async function untilInFlight(since: number): Promise<void> {
  for (let i = 0; i < 200 && !fake.requests.slice(since).some((r) => r.endpoint === 'getSchedule'); i++) await new Promise((r) => setTimeout(r, 20));
}

describe('SIGTERM', () => {
  it('stops accepting, finishes the lookup in flight, and exits 0', async () => {
    const relay = await startRelay(10_000);
    const send = await lookup(relay.base);
    fake.failNext({ path: 'getSchedule', delayMs: 1_500 });
    const since = fake.requests.length;
    const inFlight = send();
    await untilInFlight(since);
    relay.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    // Closed for new connections while the old one is still being answered.
    await expect(request(`${relay.base}/health-check`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<m:ResponseCode>NoError</m:ResponseCode>');
    expect(await relay.exited).toBe(0);
    const events = relay.lines.map((l) => l.event).filter(Boolean);
    expect(events.indexOf('relay.stopping')).toBeLessThan(events.indexOf('ews.lookup'));
    expect(events.indexOf('ews.lookup')).toBeLessThan(events.indexOf('relay.stopped'));
  });

  it('gives up after shutdown.graceMs when a lookup takes longer, exiting 1', async () => {
    const relay = await startRelay(300);
    const send = await lookup(relay.base);
    fake.failNext({ path: 'getSchedule', delayMs: 4_000 });
    const since = fake.requests.length;
    const inFlight = send().catch(() => undefined);
    await untilInFlight(since);
    const started = Date.now();
    relay.child.kill('SIGTERM');
    expect(await relay.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(relay.lines.some((l) => l.event === 'relay.forced_exit')).toBe(true);
    await inFlight;
  });
});
