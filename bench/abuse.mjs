// npm run bench:abuse — does the relay keep answering a legitimate client correctly while another client floods it
// with garbage and slow connections? Runs the built relay (demo tenant: the fake Graph over HTTPS on loopback),
// measures the legitimate client alone (baseline), then under attack, and prints the ratios. The relay runs in
// its own process (bench/abuse-relay.mjs); the legitimate client and the attackers share this one.
/* global fetch, AbortSignal, setInterval, clearInterval */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

const BASELINE_S = Number(process.env.BASELINE_S ?? 5);
const ATTACK_S = Number(process.env.ATTACK_S ?? 10);
const LEGIT_PARALLEL = 4;
const SLOW_SOCKETS = Number(process.env.SLOW_SOCKETS ?? 300);
const LEGIT_ADDRESS = '74.125.88.1';
const ATTACKER_ADDRESS = '74.125.88.2'; // inside Google's range: other Workspace tenants share Google's addresses

const child = spawn(process.execPath, [new URL('./abuse-relay.mjs', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = await once(createInterface({ input: child.stdout }), 'line');
const { address: base, lookup, clients } = JSON.parse(line);

async function token(clientId, secret, address) {
  const res = await fetch(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': address },
    body: `grant_type=client_credentials&client_id=${clientId}&client_secret=${secret}`,
  });
  return (await res.json()).access_token;
}

const legitToken = await token('legit', clients[0].clientSecret, LEGIT_ADDRESS);
const attackerToken = await token('attacker', clients[1].clientSecret, ATTACKER_ADDRESS);
const legitHeaders = { 'content-type': 'text/xml; charset=utf-8', authorization: `Bearer ${legitToken}`, 'x-forwarded-for': LEGIT_ADDRESS };
const expected = await (await fetch(`${base}/`, { method: 'POST', headers: legitHeaders, body: lookup })).text();
if (!expected.includes('<m:ResponseCode>NoError</m:ResponseCode>')) throw new Error('the baseline lookup failed');

/** The legitimate client: LEGIT_PARALLEL loops of real lookups for `seconds`, each answer compared with the expected one. */
async function legitimate(seconds) {
  const latencies = [];
  let correct = 0;
  let wrong = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: LEGIT_PARALLEL }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        try {
          const res = await fetch(`${base}/`, { method: 'POST', headers: legitHeaders, body: lookup, signal: AbortSignal.timeout(10_000) });
          const body = await res.text();
          if (res.status === 200 && body === expected) correct++;
          else wrong++;
        } catch {
          wrong++;
        }
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return { requests: latencies.length, correct, wrong, perSecond: latencies.length / seconds, p50: pct(50), p99: pct(99) };
}

/** Slowloris: sockets that send a header line every second and never finish, reopened when the relay drops them. */
function slowConnections(count, seconds) {
  let dropped = 0;
  let stopped = false;
  const { port } = new URL(base);
  const sockets = new Set();
  const open = () => {
    if (stopped) return;
    const socket = connect(Number(port), '127.0.0.1', () => socket.write('POST / HTTP/1.1\r\nHost: relay\r\n'));
    const timer = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 1000);
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      sockets.delete(socket);
      if (!stopped) {
        dropped++;
        setTimeout(open, 50);
      }
    });
  };
  for (let i = 0; i < count; i++) open();
  return new Promise((resolve) =>
    setTimeout(() => {
      stopped = true;
      for (const s of sockets) s.destroy();
      resolve({ dropped });
    }, seconds * 1000),
  );
}

const garbage = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919) % 256)).toString('latin1');
function flood(name, requests, seconds) {
  return autocannon({ url: base, connections: 20, duration: seconds, requests }).then((r) => ({
    name,
    requests: r.requests.total,
    perSecond: r.requests.average,
    statuses: { '2xx': r['2xx'], '4xx': r['4xx'], '5xx': r['5xx'] },
    errors: r.errors,
    timeouts: r.timeouts,
  }));
}

const attackerXml = { 'content-type': 'text/xml', 'x-forwarded-for': ATTACKER_ADDRESS };
console.log(`baseline: the legitimate client alone for ${BASELINE_S} s ...`);
const baseline = await legitimate(BASELINE_S);
console.log(`attack: the same client for ${ATTACK_S} s while another floods the relay and holds ${SLOW_SOCKETS} slow connections ...`);
const [underAttack, ...attacks] = await Promise.all([
  legitimate(ATTACK_S),
  flood('garbage, no token', [{ method: 'POST', path: '/', headers: attackerXml, body: garbage }], ATTACK_S),
  flood('garbage XML, own valid token', [{ method: 'POST', path: '/', headers: { ...attackerXml, authorization: `Bearer ${attackerToken}` }, body: `<s:Envelope>${garbage}` }], ATTACK_S),
  flood('/token, wrong secrets', [{ method: 'POST', path: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ATTACKER_ADDRESS }, body: 'client_id=legit&client_secret=guess' }], ATTACK_S),
  slowConnections(SLOW_SOCKETS, ATTACK_S),
]);
child.kill('SIGTERM');

const fmt = (n) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
console.log('\nlegitimate client          baseline    under attack   ratio');
console.log(`  lookups/s               ${fmt(baseline.perSecond).padStart(8)}    ${fmt(underAttack.perSecond).padStart(12)}   ${fmt(underAttack.perSecond / baseline.perSecond)}`);
console.log(`  p50 latency, ms         ${fmt(baseline.p50).padStart(8)}    ${fmt(underAttack.p50).padStart(12)}   ${fmt(underAttack.p50 / baseline.p50)}`);
console.log(`  p99 latency, ms         ${fmt(baseline.p99).padStart(8)}    ${fmt(underAttack.p99).padStart(12)}   ${fmt(underAttack.p99 / baseline.p99)}`);
console.log(`  correct answers         ${`${baseline.correct}/${baseline.requests}`.padStart(8)}    ${`${underAttack.correct}/${underAttack.requests}`.padStart(12)}`);
console.log('\nattacker');
for (const a of attacks.slice(0, 3)) {
  console.log(`  ${a.name.padEnd(30)} ${String(a.requests).padStart(8)} requests (${fmt(a.perSecond)}/s): 2xx ${a.statuses['2xx']}, 4xx ${a.statuses['4xx']}, 5xx ${a.statuses['5xx']}, errors ${a.errors}`);
}
console.log(`  slow connections dropped by the relay: ${attacks[3].dropped} (of ${SLOW_SOCKETS} held open, reopened when dropped)`);
const ok = underAttack.wrong === 0 && underAttack.correct > 0;
console.log(ok ? '\nPASS: every legitimate lookup under attack was answered correctly' : `\nFAIL: ${underAttack.wrong} legitimate lookups failed under attack`);
process.exit(ok ? 0 : 1);
