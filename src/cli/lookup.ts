// `calendar-relay lookup <email>`: asks a relay (over the network, or one built here from the config) and draws the days.
import { systemClock, type Clock } from '../clock.js';
import { pino } from 'pino';
import { isKnownIanaZone, serializableFromIana } from '../availability/time-zone/index.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { serializableTimeZoneXml } from '../ews/write-time-zone.js';
import { NS } from '../ews/xml-writer.js';
import { createRelay } from '../relay.js';
import { renderDayGrid } from './day-grid.js';
import { googleStyleRequest, httpTransport, injectTransport, readAvailabilityAnswer, requestToken, type RelayTransport } from './ews-client.js';
import { progress, reportError, type Io } from './terminal.js';

export interface LookupOptions {
  email: string;
  from?: string | undefined;
  to?: string | undefined;
  tz?: string | undefined;
  /** A running relay's base URL; without it a relay is built in this process from the configuration. */
  url?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  configArgv: string[];
  json?: boolean | undefined;
  /** CA certificates (PEM) for --url over HTTPS with a private CA (tests); production: NODE_EXTRA_CA_CERTS. */
  ca?: string[];
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function todayIn(zone: string, now: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export async function runLookup(o: LookupOptions, io: Io, now: Clock = systemClock): Promise<number> {
  const zone = o.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!isKnownIanaZone(zone)) return fail(io, `--tz ${zone} is not a time zone name.`, 'Use an IANA name such as Europe/Berlin or America/New_York.');
  const from = o.from ?? todayIn(zone, now());
  const to = o.to ?? addDays(from, 1);
  if (!DATE.test(from) || !DATE.test(to)) return fail(io, '--from and --to must be dates written YYYY-MM-DD.');
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
  if (!(days >= 1 && days <= 62)) return fail(io, '--to must be 1 to 62 days after --from.', `from ${from} to ${to} is ${days} days.`);

  const step = progress(io.stderr);
  let transport: RelayTransport;
  let credentials: { clientId: string; clientSecret: string } | undefined;
  let cleanup = async () => {};
  if (o.url) {
    transport = httpTransport(o.url, o.ca ? { ca: o.ca } : {});
    cleanup = () => transport.close();
    credentials = o.clientId && o.clientSecret ? { clientId: o.clientId, clientSecret: o.clientSecret } : configuredClient(o, io.env);
    if (!credentials) return fail(io, `No Google client credentials to ask ${o.url} with.`, 'Pass --client-id and --client-secret, or set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET.');
  } else {
    let config;
    try {
      config = loadConfig({ argv: o.configArgv, env: io.env });
    } catch (err) {
      if (err instanceof ConfigError) return fail(io, 'The configuration is not valid.', err.message);
      throw err;
    }
    const done = step.step(config.demo ? 'starting the demo tenant' : 'building the relay from the configuration');
    const relay = await createRelay(config, pino({ level: 'silent' }), { now });
    done(true);
    transport = injectTransport(relay.app);
    cleanup = () => relay.close();
    credentials = relay.config.google.clients[0];
    if (!credentials) {
      await cleanup();
      return fail(io, 'The configuration has no Google client to ask the relay with.', 'Add google.clients (see `calendar-relay credentials`).');
    }
  }
  try {
    const tokenStep = step.step('getting a token');
    const token = await requestToken(transport, credentials.clientId, credentials.clientSecret);
    tokenStep(token.ok);
    if (!token.ok) return fail(io, 'The relay refused the Google client credentials.', token.problem);
    const year = Number(from.slice(0, 4));
    const tz = serializableTimeZoneXml(serializableFromIana(zone, year)).replace('<t:TimeZone>', `<t:TimeZone xmlns:t="${NS.types}">`);
    const xml = googleStyleRequest({ mailboxes: [o.email], start: `${from}T00:00:00`, end: `${to}T00:00:00`, view: 'DetailedMerged', intervalMinutes: 30, timeZoneXml: tz, version: 'Exchange2013' });
    const askStep = step.step(`asking for ${o.email}`);
    const res = await transport.post('/', xml, { 'content-type': 'text/xml; charset=utf-8', authorization: `Bearer ${token.accessToken}` });
    const answer = readAvailabilityAnswer(res);
    askStep(answer.kind === 'ok');
    if (answer.kind === 'not-ews') return fail(io, 'The relay did not answer with EWS SOAP.', answer.problem);
    if (answer.kind === 'fault') return fail(io, `The relay refused the lookup (${answer.code}).`, answer.message);
    const mailbox = answer.mailboxes[0];
    if (!mailbox) return fail(io, 'The relay answered no mailbox.');
    if (mailbox.code !== 'NoError') return fail(io, `No free/busy for ${o.email}: ${mailbox.code}.`, mailbox.message);
    if (o.json) io.stdout.write(`${JSON.stringify({ mailbox: o.email, zone, from, to, ...mailbox }, null, 2)}\n`);
    else io.stdout.write(renderDayGrid(o.email, mailbox, { from, days, zone }, io.stdout));
    return 0;
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return fail(io, `Could not reach the relay${o.url ? ` at ${o.url}` : ''}.`, e.code ?? e.message);
  } finally {
    await cleanup();
  }
}

function configuredClient(o: LookupOptions, env: NodeJS.ProcessEnv): { clientId: string; clientSecret: string } | undefined {
  try {
    return loadConfig({ argv: o.configArgv, env }).google.clients[0];
  } catch {
    return undefined;
  }
}

function fail(io: Io, sentence: string, detail?: string): number {
  reportError(io.stderr, sentence, detail);
  return 1;
}
