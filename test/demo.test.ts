// The README promise: `npm start` without credentials serves the demo tenant, and the printed command works.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { demoBanner } from '../src/demo/banner.js';
import { createLogger } from '../src/logger.js';
import { createRelay, type Relay } from '../src/relay.js';
import { expectXsdValid } from './support/xsd.js';

const run = promisify(execFile);
let relay: Relay;
let address: string;

beforeAll(async () => {
  const config = loadConfig({ argv: [], env: {} });
  relay = await createRelay(config, createLogger('silent'));
  address = await relay.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => relay.close());

describe('demo mode', () => {
  it('starts on the embedded tenant when no Microsoft credentials are configured', () => {
    expect(relay.config.demo).toBe(true);
    expect(relay.config.domains.map((d) => d.name)).toEqual(['example.com']);
    expect(relay.config.google.clients[0]!.clientSecret.length).toBeGreaterThanOrEqual(43);
  });

  it('prints credentials and a command that performs a real lookup (bash + curl, as a newcomer would)', async () => {
    const banner = demoBanner(address, relay, relay.now());
    const secret = relay.config.google.clients[0]!.clientSecret;
    expect(banner).toContain(`Google client secret: ${secret}`);
    const start = banner.indexOf('TOKEN=');
    const command = banner.slice(start, banner.indexOf('\n\n', start));
    const { stdout } = await run('bash', ['-c', command], { timeout: 15_000 });
    expect(stdout).toContain('<m:GetUserAvailabilityResponse>');
    const codes = [...stdout.matchAll(/<m:ResponseCode>([^<]*)</g)].map((m) => m[1]);
    expect(codes).toEqual(['NoError', 'NoError', 'NoError', 'NoError', 'ErrorMailRecipientNotFound']);
    expect(stdout).toMatch(/<t:MergedFreeBusy>[0-4]{24}<\/t:MergedFreeBusy>/);
    await expectXsdValid(stdout);
  });
});
