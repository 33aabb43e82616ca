// Open-loop load at a steady rate, for latency at a given load.
//
// autocannon's rate limit (`overallRate`) is a per-connection quota per second: each connection sends its share
// back to back as soon as a second starts, then waits for the next second. At "half load" the server therefore
// sees full load for part of every second and an idle rest, and the p99 measures queueing at saturation. Here
// requests are due at evenly spaced instants instead, and each latency runs from the instant the request was
// due, not from when a connection was free to send it: a stalled server is charged for the requests it made
// wait (no coordinated omission, as in wrk2). No maintained Node load generator paces this way, hence this file.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

/** Percentile `p` (0..100) of an ascending array, nearest rank. */
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/**
 * Sends `rate` requests per second for `duration` seconds over up to `connections` keep-alive connections.
 * Resolves with { rps, p50, p99, total } like bench/run.mjs's autocannon runs; rejects on any error or non-2xx.
 */
export async function paced(url, { rate, duration, connections, headers, nextBody }) {
  const pool = new Pool(url, { connections, keepAliveTimeout: 60_000 });
  const total = Math.max(1, Math.round(rate * duration));
  const interval = 1000 / rate;
  const latencies = new Float64Array(total);
  const pending = [];
  let failure;
  const one = async (i, due) => {
    try {
      const res = await pool.request({ method: 'POST', path: '/', headers, body: nextBody() });
      await res.body.dump();
      if (res.statusCode < 200 || res.statusCode > 299) failure ??= new Error(`${url}: HTTP ${res.statusCode}`);
    } catch (err) {
      failure ??= err;
    }
    latencies[i] = performance.now() - due;
  };
  const start = performance.now() + 20;
  for (let i = 0; i < total && !failure; ) {
    const now = performance.now();
    // Everything due by now goes out; then sleep until the next one is due (timers have ~1 ms resolution).
    for (; i < total && start + i * interval <= now; i++) pending.push(one(i, start + i * interval));
    if (i < total) await sleep(Math.max(0, start + i * interval - performance.now()));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  await pool.close();
  if (failure) throw failure;
  const sorted = latencies.sort();
  return { rps: total / elapsed, p50: percentile(sorted, 50), p99: percentile(sorted, 99), total };
}
