// `calendar-relay doctor`: configuration, Entra, Graph, the public URL's TLS and a lookup played as Google, in order.
import { systemClock, type Clock } from '../../clock.js';
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../../config/load.js';
import type { RelayConfig, ResolvedDomain, ResolvedTenant } from '../../config/schema.js';
import { DEMO_MAILBOXES } from '../../demo/demo-tenant.js';
import { createRelay, type Relay } from '../../relay.js';
import { httpTransport } from '../ews-client.js';
import { progress, type Output } from '../terminal.js';
import { googleChecks } from './google-checks.js';
import { graphChecks } from './graph-checks.js';
import { GOOGLE_MESSAGES, summarize, type Check, type DoctorReport } from './report.js';
import { tlsChecks } from './tls-check.js';

export interface DoctorOptions {
  /** Command-line arguments holding `--config` (the rest is ignored by the loader). */
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Mailboxes to try, at most one per domain is used. */
  mailboxes?: readonly string[];
  /** The relay's public URL, overriding server.publicUrl. */
  url?: string | undefined;
  /** CAs trusted for the public URL (tests); production: Node's roots, like Google. */
  ca?: string[];
  /** PEM trusted for Entra and Graph (tests); production: NODE_EXTRA_CA_CERTS. */
  graphCa?: string;
  timeoutMs?: number;
  now?: Clock;
  /** Where progress goes (stderr). */
  progressTo: Output;
}

export async function runDoctor(o: DoctorOptions): Promise<DoctorReport> {
  const now = o.now ?? systemClock;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const { step } = progress(o.progressTo);
  const checks: Check[] = [];

  let config: RelayConfig;
  try {
    config = loadConfig({ argv: o.argv, env: o.env });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // A relay with this configuration does not start, so Google finds nothing listening.
    checks.push({ id: 'config', title: 'configuration', status: 'fail', detail: err.message, fix: 'Correct the settings named above (docs/configuration.md lists every one).', google: GOOGLE_MESSAGES.connection });
    return summarize(checks);
  }
  checks.push({
    id: 'config',
    title: 'configuration',
    status: 'pass',
    detail: config.demo
      ? 'No Microsoft tenant configured: checking the embedded demo tenant end to end.'
      : `${config.tenants.length} tenant(s), ${config.domains.length} domain(s), ${config.google.clients.length} Google client(s).`,
  });
  if (!config.demo && !config.tokens.signingKey) {
    checks.push({ id: 'config.signingKey', title: 'token signing key', status: 'warn', detail: 'tokens.signingKey is not set: tokens die with the process and replicas reject each other\'s.', fix: 'Set TOKEN_SIGNING_KEY_FILE (generate one with `calendar-relay credentials`).' });
  }

  let relay: Relay | undefined;
  try {
    let tenants: readonly ResolvedTenant[] = config.tenants;
    let domains: readonly ResolvedDomain[] = config.domains;
    let graphCa = o.graphCa;
    let client = config.google.clients[0];
    let base = o.url ?? config.server.publicUrl;
    const chosen = [...(o.mailboxes ?? [])];
    if (config.demo) {
      const started = step('starting the demo relay on loopback');
      relay = await createRelay(config, pino({ level: 'silent' }), { now });
      const address = await relay.app.listen({ host: '127.0.0.1', port: 0 });
      started(true);
      tenants = relay.config.tenants;
      domains = relay.config.domains;
      graphCa = relay.demo?.tenant.ca;
      client = relay.config.google.clients[0];
      base ??= address;
      if (chosen.length === 0) chosen.push(DEMO_MAILBOXES[0]);
    }
    const byDomain = new Map<string, string>();
    for (const m of chosen) {
      const domain = m.split('@')[1]?.toLowerCase();
      if (domain && !byDomain.has(domain)) byDomain.set(domain, m);
    }
    checks.push(...(await graphChecks({ tenants, domains, mailboxes: byDomain, timeoutMs, secretCheckMs: config.graphScale.secretCheckMs, now, step, ...(graphCa ? { extraCa: graphCa } : {}) })));

    if (!base) {
      checks.push({ id: 'publicUrl', title: 'public URL', status: 'skip', detail: 'server.publicUrl is not set, so what Google sees cannot be checked.', fix: 'Set RELAY_PUBLIC_URL (server.publicUrl) to the https URL Google is given, or pass --url.' });
      return summarize(checks);
    }
    const url = new URL(base);
    if (url.protocol === 'https:') {
      const done = step(`checking TLS at ${url.host}`);
      const tls = await tlsChecks({ url, timeoutMs, now, ...(o.ca ? { ca: o.ca } : {}) });
      done(tls.every((c) => c.status !== 'fail'));
      checks.push(...tls);
    } else if (relay && !o.url) {
      checks.push({ id: 'tls', title: 'HTTPS', status: 'skip', detail: `Demo mode: the relay answers on ${url.origin} without TLS; Google needs HTTPS on port 443.`, fix: 'For real use, give the relay its certificate (TLS_CERT_FILE, TLS_KEY_FILE) or put it behind an HTTPS proxy, and set server.publicUrl.' });
    } else {
      checks.push({ id: 'tls', title: 'HTTPS', status: 'fail', detail: `${url.origin} is not HTTPS.`, fix: 'Google only calls https:// URLs: serve the relay behind a TLS front and give Google that URL.', google: GOOGLE_MESSAGES.communication });
    }

    const transport = httpTransport(url.origin, { timeoutMs, ...(o.ca ? { ca: o.ca } : {}) });
    try {
      const mailboxes = domains.map((d) => byDomain.get(d.name) ?? d.lookupMailbox).filter((m): m is string => m !== undefined);
      checks.push(...(await googleChecks({ transport, ewsPath: url.pathname || '/', where: url.origin, client, mailboxes, now, step })));
    } finally {
      await transport.close();
    }
    return summarize(checks);
  } finally {
    await relay?.close();
  }
}
