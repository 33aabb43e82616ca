// Starts a throwaway redis-server on a free loopback port for tests; CI installs the Debian package.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** Why Redis tests cannot run here, or undefined when they can. In CI a missing server is an error, not a skip. */
export function redisUnavailable(): string | undefined {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8', env: redisEnv() });
  if (found.status === 0) return undefined;
  const why = 'redis-server is not installed (apt-get install -y redis-server; .ci/run does)';
  if (process.env.CI) throw new Error(`${why}: CI must run the Redis tests`);
  return why;
}

/**
 * The environment redis-server runs in: the test's own, without LD_PRELOAD. CI runs the suite a second time
 * under libfaketime (LD_PRELOAD), and redis-server's jemalloc hangs at start under it ("Unexpected recursive
 * calls to clock_gettime()"). Only the relay needs the moved clock; Redis keeps real time.
 */
function redisEnv(): NodeJS.ProcessEnv {
  const { LD_PRELOAD: _moved, ...rest } = process.env;
  return rest;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  url: string;
  port: number;
  /** SIGKILL: the outage a crashed or partitioned Redis looks like. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is persisted). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore', env: redisEnv() });
    // Ready when it answers PING; bounded so a broken install fails the test instead of hanging it.
    for (let i = 0; i < 100; i++) {
      const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        await delay(50);
      } finally {
        probe.disconnect();
      }
    }
    throw new Error(`redis-server did not start on port ${port}`);
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  };
  await launch();
  return { url: `redis://127.0.0.1:${port}`, port, kill, restart: launch, stop: kill };
}
