// The relay under test for bench/abuse.mjs, in its own process so the load generators do not share its event loop.
// Prints one JSON line (address, demo lookup, client secrets), then serves until killed.
import { loadConfig } from '../dist/config/load.js';
import { demoLookupXml } from '../dist/demo/banner.js';
import { createLogger } from '../dist/logger.js';
import { createRelay } from '../dist/relay.js';

// Demo tenant, but with the edge as in production: allow-list on, loopback the trusted proxy carrying X-Forwarded-For.
const loaded = loadConfig({ argv: [], env: { LOG_LEVEL: 'warn', RELAY_ALLOW_LIST: 'on', RELAY_TRUSTED_PROXIES: '127.0.0.1' } });
const clients = [
  { clientId: 'legit', clientSecret: 'legit-secret-0123456789abcdef0123456789' },
  { clientId: 'attacker', clientSecret: 'attacker-secret-0123456789abcdef012345' },
];
const config = { ...loaded, google: { clients }, timeouts: { ...loaded.timeouts, headersMs: 5000, requestMs: 10_000 } };
const relay = await createRelay(config, createLogger('warn'));
const address = await relay.app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ address, lookup: demoLookupXml(relay.demo.mailboxes, new Date()), clients })}\n`);
process.on('SIGTERM', () => relay.close().then(() => process.exit(0)));
