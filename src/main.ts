// Process entry point: reads the environment, starts the relay, prints the demo banner, handles signals.
import { ConfigError, loadConfig } from './config/load.js';
import { demoBanner } from './demo/banner.js';
import { listenerProblem } from './http/server-factory.js';
import { createLogger } from './logger.js';
import { createRelay } from './relay.js';

export async function serve(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  let config;
  try {
    config = loadConfig({ argv, env });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const refusal = listenerProblem(config);
  if (refusal) {
    console.error(`calendar-relay: configuration problem:\n  ${refusal}`);
    process.exit(2);
  }
  const logger = createLogger(config.log.level);
  // Demo mode listens on loopback unless told otherwise: its credentials are printed on the terminal.
  const host = config.demo && env['HOST'] === undefined ? '127.0.0.1' : config.server.host;
  const relay = await createRelay(config, logger);
  const listening = await relay.app.listen({ host, port: config.server.port });
  // Fastify names the scheme from its own https option; the TLS server here comes from our server factory.
  const address = config.tls ? listening.replace(/^http:/, 'https:') : listening;
  logger.info({ event: 'relay.listening', address, demo: config.demo, domains: relay.config.domains.map((d) => d.name) }, 'calendar relay listening');
  if (relay.metricsApp && config.metrics.port !== undefined) {
    const metricsAddress = await relay.metricsApp.listen({ host, port: config.metrics.port });
    logger.info({ event: 'metrics.listening', address: metricsAddress }, 'metrics listening');
  }
  if (relay.demo) process.stdout.write(demoBanner(address, relay, relay.now()));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const graceMs = config.shutdown.graceMs;
    // Load balancers polling /ready see "draining"; new connections are refused; in-flight lookups finish.
    relay.readiness.drain();
    logger.info({ event: 'relay.stopping', signal, graceMs }, 'shutting down: finishing in-flight lookups');
    const forced = setTimeout(() => {
      logger.warn({ event: 'relay.forced_exit', graceMs }, 'lookups still in flight after the grace period; exiting anyway');
      process.exit(1);
    }, graceMs);
    await relay.close();
    clearTimeout(forced);
    logger.info({ event: 'relay.stopped', signal }, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

const isEntry = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  serve(process.argv.slice(2), process.env).catch((err: unknown) => {
    console.error('calendar-relay failed to start:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
