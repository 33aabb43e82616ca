// Benchmark helpers: child processes over IPC, the Google-style EWS request, a seeded Zipf sampler, statistics.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const T0 = Date.UTC(2026, 11, 1); // the looked-up day: 2026-12-01
export const BENCH_DOMAIN = 'bench.example';
export const DENSE_DOMAIN = 'dense.example';
export const TENANT_ID = '11111111-2222-4333-8444-555555555555';
export const GRAPH_APP = { clientId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', clientSecret: 'bench-graph-secret' };
export const GOOGLE = { clientId: 'bench-google', clientSecret: 'bench-google-secret-0123456789abcdef0123' };
export const benchBox = (i) => `u${String(i).padStart(3, '0')}@${BENCH_DOMAIN}`;
export const denseBox = (i) => `d${String(i).padStart(3, '0')}@${DENSE_DOMAIN}`;

/** The Node flags `npm start` gives the relay (package.json), so the benchmark runs it the way production does. */
const START_FLAGS = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'))
  .scripts.start.split(/\s+/)
  .filter((word) => word.startsWith('--'));

/** Starts bench/<name>.mjs with IPC; resolves with the child and its `ready` message. Its stdout goes nowhere. */
export function child(name, args = {}) {
  const proc = fork(fileURLToPath(new URL(`./${name}.mjs`, import.meta.url)), [JSON.stringify(args)], { execArgv: [...(process.env.BENCH_PROF === name ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), ...(name === 'relay' ? (process.env.BENCH_RELAY_FLAGS?.split(' ').filter(Boolean) ?? START_FLAGS) : [])], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const pending = [];
  proc.on('message', (m) => {
    if (m.type === 'ready') return;
    pending.shift()?.(m);
  });
  const ask = (msg) => new Promise((resolve) => (pending.push(resolve), proc.send(msg)));
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
    proc.on('message', (m) => {
      if (m.type === 'ready') resolve({ proc, ready: m, ask, stop: () => new Promise((r) => (proc.once('exit', r), proc.kill('SIGTERM'))) });
    });
  });
}

/** Answers `stats` requests from the parent; peak RSS is the kernel's high-water mark (no polling). */
export function reportStats(extra = () => ({})) {
  process.on('message', (m) => {
    if (m.type === 'stats') process.send({ type: 'stats', peakRss: process.resourceUsage().maxRSS * 1024, memory: process.memoryUsage(), cpu: process.cpuUsage(), ...extra() });
  });
  process.on('SIGTERM', () => process.exit(0));
}

const iso = (ms) => new Date(ms).toISOString().slice(0, 19);

/** GetUserAvailability in Google Calendar Interop's dialect (SOAP-ENV/ns2/ns3, Exchange2010, a Pacific TimeZone). */
export function googleRequest(mailboxes, { start = T0, end = T0 + 86_400_000, view = 'FreeBusyMerged', interval = 30 } = {}) {
  const T = 'http://schemas.microsoft.com/exchange/services/2006/types';
  const M = 'http://schemas.microsoft.com/exchange/services/2006/messages';
  const boxes = mailboxes
    .map((a) => `<ns2:MailboxData><ns2:Email><ns2:Address>${a}</ns2:Address></ns2:Email><ns2:AttendeeType>Required</ns2:AttendeeType><ns2:ExcludeConflicts>false</ns2:ExcludeConflicts></ns2:MailboxData>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Header>` +
    `<ns2:RequestServerVersion xmlns:ns2="${T}" xmlns:ns3="${M}" Version="Exchange2010"/></SOAP-ENV:Header><SOAP-ENV:Body>` +
    `<ns3:GetUserAvailabilityRequest xmlns:ns2="${T}" xmlns:ns3="${M}"><ns2:TimeZone><ns2:Bias>0</ns2:Bias><ns2:StandardTime><ns2:Bias>0</ns2:Bias><ns2:Time>00:00:00</ns2:Time><ns2:DayOrder>1</ns2:DayOrder><ns2:Month>1</ns2:Month><ns2:DayOfWeek>Sunday</ns2:DayOfWeek></ns2:StandardTime><ns2:DaylightTime><ns2:Bias>0</ns2:Bias><ns2:Time>00:00:00</ns2:Time><ns2:DayOrder>1</ns2:DayOrder><ns2:Month>1</ns2:Month><ns2:DayOfWeek>Sunday</ns2:DayOfWeek></ns2:DaylightTime></ns2:TimeZone>` +
    `<ns3:MailboxDataArray>${boxes}</ns3:MailboxDataArray><ns2:FreeBusyViewOptions><ns2:TimeWindow><ns2:StartTime>${iso(start)}</ns2:StartTime><ns2:EndTime>${iso(end)}</ns2:EndTime></ns2:TimeWindow>` +
    `<ns2:MergedFreeBusyIntervalInMinutes>${interval}</ns2:MergedFreeBusyIntervalInMinutes><ns2:RequestedView>${view}</ns2:RequestedView></ns2:FreeBusyViewOptions></ns3:GetUserAvailabilityRequest></SOAP-ENV:Body></SOAP-ENV:Envelope>`
  );
}

/** mulberry32: a tiny seeded PRNG so every run samples the same workload. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Zipf(s) over ranks 0..n-1 by inverse CDF. */
export function zipf(n, s, random) {
  const weights = Array.from({ length: n }, (_, k) => 1 / (k + 1) ** s);
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  const cdf = weights.map((w) => (acc += w / total));
  return () => {
    const u = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const mb = (bytes) => bytes / 1_048_576;
