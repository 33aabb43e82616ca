// `calendar-relay credentials` and `lookup`: generated secrets and the lines to paste; the day grid a lookup draws.
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/commands.js';
import { loadConfig } from '../src/config/load.js';
import { CLIENT_ID, CLIENT_SECRET, harness, TENANT_ID, type Harness } from '../src/graph/test-support.js';
import { createRelay, type Relay } from '../src/relay.js';
import { captureIo } from './support/io.js';

const serve = async () => {};
const GOOGLE = { id: 'google-interop', secret: 'google-secret-0123456789abcdef0123456789' };

describe('calendar-relay credentials', () => {
  it('generates 256-bit secrets, different each time, printed with where each goes', async () => {
    const runs = await Promise.all([0, 1].map(async () => {
      const io = captureIo();
      expect(await runCli(['credentials', '--json'], io, { serve })).toBe(0);
      return JSON.parse(io.out()) as { clientId: string; clientSecret: string; signingKey: string };
    }));
    const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(a.clientSecret).not.toBe(b.clientSecret);
    expect(a.signingKey).not.toBe(b.signingKey);
    expect(Buffer.from(a.clientSecret, 'base64url')).toHaveLength(32);
    expect(Buffer.from(a.signingKey, 'base64url')).toHaveLength(48);
  });

  it('prints configuration lines the relay accepts, holding the printed values', async () => {
    const io = captureIo();
    expect(await runCli(['credentials', '--url', 'https://relay.contoso.com'], io, { serve })).toBe(0);
    const text = io.out();
    expect(text).toContain('Token endpoint URL:    https://relay.contoso.com/token');
    expect(text).toContain('Calendar Interop management');
    const secret = /Client secret:\s+(\S+)/.exec(text)?.[1] ?? '';
    const files: Record<string, string> = {};
    for (const m of text.matchAll(/printf '%s' '([^']+)' > (\S+)/g)) files[m[2]!] = m[1]!;
    const env: Record<string, string> = {};
    for (const m of text.matchAll(/^\s+([A-Z_]+)=(\S+)$/gm)) env[m[1]!] = m[2]!;
    const config = loadConfig({ argv: [], env, readFile: (p) => files[p] ?? '' });
    expect(config.google.clients[0]).toEqual({ clientId: /Client ID:\s+(\S+)/.exec(text)?.[1], clientSecret: secret });
    expect(config.tokens.signingKey?.length).toBeGreaterThanOrEqual(64);
  });
});

describe('calendar-relay lookup', () => {
  let h: Harness;
  let relay: Relay;
  let url: string;
  beforeAll(async () => {
    h = await harness();
    const env = {
      GRAPH_AUTHORITY: `${h.fake.url}/${TENANT_ID}`,
      GRAPH_ENDPOINT: h.fake.url,
      GRAPH_CLIENT_ID: CLIENT_ID,
      GRAPH_CLIENT_SECRET: CLIENT_SECRET,
      RELAY_DOMAINS: 'example.com',
      RELAY_DISCLOSURE: 'details',
      GOOGLE_CLIENT_ID: GOOGLE.id,
      GOOGLE_CLIENT_SECRET: GOOGLE.secret,
    };
    relay = await createRelay(loadConfig({ argv: [], env }), pino({ level: 'silent' }), { extraCa: h.fake.ca });
    await relay.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(relay.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await relay.close();
    await h.close();
  });

  const ask = (io: ReturnType<typeof captureIo>, ...extra: string[]) =>
    runCli(['lookup', 'alice@example.com', '--url', url, '--client-id', GOOGLE.id, '--client-secret', GOOGLE.secret, '--from', '2026-12-01', ...extra], io, { serve });
  const row = (text: string, date: string) => text.split('\n').find((l) => l.includes(date))?.slice(15);

  it('draws a day of half-hour cells in the asked zone, with the events listed', async () => {
    const io = captureIo();
    expect(await ask(io, '--tz', 'UTC')).toBe(0);
    // alice: busy 17:00-18:00Z, out of office 20:00-21:00Z (private).
    expect(row(io.out(), 'Tue 2026-12-01')).toBe(`${'·'.repeat(34)}██${'·'.repeat(4)}▓▓${'·'.repeat(6)}`);
    expect(io.out()).toContain('2026-12-01 17:00 - 2026-12-01 18:00  Busy             Design review (Room 1)');
    expect(io.out()).toContain('2026-12-01 20:00 - 2026-12-01 21:00  OOF              private');
    expect(io.out()).not.toContain('Doctor');
    expect(io.out()).not.toContain('\u001b[');
  });

  it('moves the cells with --tz, and colours them when the terminal has colours', async () => {
    const io = captureIo({ colors: true });
    expect(await ask(io, '--tz', 'America/Los_Angeles')).toBe(0);
    const line = row(io.out(), 'Tue 2026-12-01') ?? '';
    // 17:00Z is 09:00 in Los Angeles in December: slots 18 and 19.
    const plain = line.replaceAll('\u001b[31m', '').replaceAll('\u001b[35m', '').replaceAll('\u001b[39m', '').replaceAll('\u001b[2m', '').replaceAll('\u001b[22m', '');
    expect(plain).toBe(`${'·'.repeat(18)}██${'·'.repeat(4)}▓▓${'·'.repeat(22)}`);
    expect(line).toContain('\u001b[31m█');
    expect(line).toContain('\u001b[35m▓');
  });

  it('answers an unknown mailbox with one sentence and exit 1', async () => {
    const io = captureIo();
    const status = await runCli(['lookup', 'nobody@example.com', '--url', url, '--client-id', GOOGLE.id, '--client-secret', GOOGLE.secret, '--tz', 'UTC'], io, { serve });
    expect(status).toBe(1);
    expect(io.err().split('\n').find((l) => l.startsWith('error:'))).toBe('error: No free/busy for nobody@example.com: ErrorMailRecipientNotFound.');
  });

  it('says so when the relay refuses the client credentials', async () => {
    const io = captureIo();
    expect(await runCli(['lookup', 'alice@example.com', '--url', url, '--client-id', GOOGLE.id, '--client-secret', 'wrong'], io, { serve })).toBe(1);
    expect(io.err()).toContain('error: The relay refused the Google client credentials.');
    expect(io.err()).toContain('invalid_client');
  });

  it('builds the demo relay itself when no --url is given', async () => {
    const io = captureIo();
    expect(await runCli(['lookup', 'alice@example.com', '--tz', 'UTC', '--json'], io, { serve })).toBe(0);
    const answer = JSON.parse(io.out()) as { code: string; events: { subject?: string }[] };
    expect(answer.code).toBe('NoError');
    expect(answer.events.map((e) => e.subject)).toContain('Design review');
  });

  it('rejects a bad zone or window before asking anything', async () => {
    const io = captureIo();
    expect(await runCli(['lookup', 'alice@example.com', '--url', url, '--tz', 'Mars/Olympus'], io, { serve })).toBe(1);
    expect(io.err()).toContain('--tz Mars/Olympus is not a time zone name.');
    const io2 = captureIo();
    expect(await runCli(['lookup', 'alice@example.com', '--from', '2026-12-01', '--to', '2026-11-01'], io2, { serve })).toBe(1);
    expect(io2.err()).toContain('--to must be 1 to 62 days after --from.');
  });
});
