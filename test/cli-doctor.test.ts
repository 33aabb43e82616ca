// `calendar-relay doctor` against the fake Graph and a relay behind a TLS front: a good configuration and broken ones.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/commands.js';
import type { Check, DoctorReport } from '../src/cli/doctor/report.js';
import { runDoctor } from '../src/cli/doctor/run.js';
import { loadConfig } from '../src/config/load.js';
import { startFakeGraph, type FakeGraph } from '../src/demo/fake-graph.js';
import { CLIENT_ID, CLIENT_SECRET, TENANT_ID, tenantData } from '../src/graph/test-support.js';
import { createRelay, type Relay } from '../src/relay.js';
import { httpsFront, serverCertificate, type HttpsFront } from './support/https-front.js';
import { captureIo } from './support/io.js';

const NO_PERMISSION_APP = 'cccccccc-0000-4000-8000-000000000003';
const day = 86_400_000;
let fake: FakeGraph;
let relay: Relay;
let good: HttpsFront & { ca: string };
let expired: HttpsFront & { ca: string };

function env(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    GRAPH_AUTHORITY: `${fake.url}/${TENANT_ID}`,
    GRAPH_ENDPOINT: fake.url,
    GRAPH_CLIENT_ID: CLIENT_ID,
    GRAPH_CLIENT_SECRET: CLIENT_SECRET,
    RELAY_DOMAINS: 'example.com',
    GOOGLE_CLIENT_ID: 'google-interop',
    GOOGLE_CLIENT_SECRET: 'google-secret-0123456789abcdef0123456789',
    TOKEN_SIGNING_KEY: 'k'.repeat(40),
    RELAY_PUBLIC_URL: good.url,
    ...overrides,
  };
}

beforeAll(async () => {
  fake = await startFakeGraph({
    tenants: [tenantData(0, [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, { clientId: NO_PERMISSION_APP, clientSecret: CLIENT_SECRET, permissions: ['User.Read.All'] }])],
  });
  const okCert = await serverCertificate(new Date(Date.now() - day), new Date(Date.now() + 365 * day));
  const oldCert = await serverCertificate(new Date(Date.now() - 400 * day), new Date(Date.now() - 30 * day));
  // The relay Google would reach; its public URL is only known once the front listens, so the env is built twice.
  good = { url: 'https://127.0.0.1:1', ca: okCert.ca, close: async () => {} };
  relay = await createRelay(loadConfig({ argv: [], env: env() }), pino({ level: 'silent' }), { extraCa: fake.ca });
  good = { ...(await httpsFront(relay.app, okCert)), ca: okCert.ca };
  expired = { ...(await httpsFront(relay.app, oldCert)), ca: oldCert.ca };
});
afterAll(async () => {
  await good.close();
  await expired.close();
  await relay.close();
  await fake.close();
});

async function doctor(overrides: Record<string, string> = {}, options: { mailboxes?: string[]; ca?: string } = {}): Promise<DoctorReport> {
  const io = captureIo();
  return runDoctor({ argv: [], env: env(overrides), mailboxes: options.mailboxes ?? ['alice@example.com'], ca: [options.ca ?? good.ca], graphCa: fake.ca, progressTo: io.stderr, timeoutMs: 5_000 });
}

const byId = (r: DoctorReport, id: string): Check | undefined => r.checks.find((c) => c.id === id);

describe('doctor against the fake Graph', () => {
  it('passes every check for a good configuration, TLS included', async () => {
    const r = await doctor();
    expect(r.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.checks.map((c) => c.id)).toEqual([
      'config',
      'tenant.token:default',
      'graph.getSchedule:example.com',
      'tls.chain',
      'tls.hostname',
      'tls.expiry',
      'tls.versions',
      'google.token',
      'google.availability:alice@example.com',
    ]);
    expect(byId(r, 'tls.versions')?.detail).toContain('TLSv1.3');
  });

  it('reports a wrong client secret with what Entra said and how to fix it', async () => {
    const r = await doctor({ GRAPH_CLIENT_SECRET: 'not-the-secret' });
    expect(r.ok).toBe(false);
    const token = byId(r, 'tenant.token:default');
    expect(token?.status).toBe('fail');
    expect(token?.detail).toContain('AADSTS7000215');
    expect(token?.detail).not.toContain('not-the-secret');
    expect(token?.fix).toContain('Value (not its Secret ID)');
    expect(token?.google).toBe('EWS response error');
    expect(byId(r, 'graph.getSchedule:example.com')?.status).toBe('skip');
  });

  it('names the missing permission when Graph answers 403 ErrorAccessDenied', async () => {
    const r = await doctor({ GRAPH_CLIENT_ID: NO_PERMISSION_APP });
    expect(byId(r, 'tenant.token:default')?.status).toBe('pass');
    const schedule = byId(r, 'graph.getSchedule:example.com');
    expect(schedule?.status).toBe('fail');
    expect(schedule?.detail).toContain('HTTP 403 ErrorAccessDenied');
    expect(schedule?.detail).toContain('Calendars.ReadBasic.All');
    expect(schedule?.fix).toContain('admin consent');
    expect(r.ok).toBe(false);
  });

  it('reports an unknown mailbox as Google\'s "Invalid attendee", on the Graph side and as Google sees it', async () => {
    const r = await doctor({}, { mailboxes: ['nobody@example.com'] });
    expect(byId(r, 'graph.getSchedule:example.com')).toMatchObject({ status: 'fail', google: 'Invalid attendee' });
    expect(byId(r, 'google.availability:nobody@example.com')).toMatchObject({ status: 'fail', google: 'Invalid attendee' });
  });

  it('fails an expired certificate, and Google then cannot connect', async () => {
    const r = await doctor({ RELAY_PUBLIC_URL: expired.url }, { ca: expired.ca });
    expect(byId(r, 'tls.expiry')).toMatchObject({ status: 'fail', google: 'Connection error' });
    expect(byId(r, 'tls.expiry')?.detail).toMatch(/Expired 3\d day\(s\) ago/);
    expect(byId(r, 'tls.chain')?.detail).toContain('CERT_HAS_EXPIRED');
    expect(byId(r, 'google.token')).toMatchObject({ status: 'fail', google: 'Connection error' });
  });

  it('fails a certificate that does not name the host', async () => {
    const r = await doctor({ RELAY_PUBLIC_URL: good.url.replace('127.0.0.1', 'localhost') });
    expect(byId(r, 'tls.hostname')?.status).toBe('fail');
  });

  it('says "EWS communication error" for a plain-HTTP public URL', async () => {
    const r = await doctor({ RELAY_PUBLIC_URL: 'http://127.0.0.1:9/' });
    expect(byId(r, 'tls')).toMatchObject({ status: 'fail', google: 'EWS communication error' });
    expect(byId(r, 'google.token')).toMatchObject({ status: 'fail', google: 'Connection error' });
  });

  it('stops at an invalid configuration, naming the setting', async () => {
    const r = await doctor({ GRAPH_AUTHORITY: 'https://login.microsoftonline.com/common' });
    expect(r.checks).toHaveLength(1);
    expect(r.checks[0]).toMatchObject({ id: 'config', status: 'fail', google: 'Connection error' });
    expect(r.checks[0]?.detail).toContain('GRAPH_AUTHORITY');
  });
});

describe('calendar-relay doctor (the command)', () => {
  const serve = async () => {};
  it('passes against the demo tenant with no configuration at all, exit 0, --json for machines', async () => {
    const io = captureIo();
    expect(await runCli(['doctor', '--json'], io, { serve })).toBe(0);
    const report = JSON.parse(io.out()) as DoctorReport;
    expect(report.ok).toBe(true);
    expect(report.checks.find((c) => c.id === 'google.availability:alice@example.com')?.status).toBe('pass');
    expect(io.err()).toContain('starting the demo relay');
  });

  it('exits 1 with a readable report when a check fails', async () => {
    const io = captureIo();
    expect(await runCli(['doctor', '--mailbox', 'nobody@example.com'], io, { serve })).toBe(1);
    expect(io.out()).toContain('[FAIL] getSchedule for a mailbox of example.com (nobody@example.com)');
    expect(io.out()).toContain(`Google's troubleshooter would show: "Invalid attendee"`);
    expect(io.out()).toMatch(/fix: Choose a mailbox that exists/);
    expect(io.out()).not.toContain('\u001b[');
  });

  it('exits 2 for an unknown option', async () => {
    const io = captureIo();
    expect(await runCli(['doctor', '--frobnicate'], io, { serve })).toBe(2);
    expect(io.err()).toMatch(/^error: Unknown option '--frobnicate'/);
  });
});
