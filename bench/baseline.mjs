// Benchmark child: the bare baseline. Reads the request body, makes one keep-alive POST to the fake Graph's
// getSchedule, reads its answer without parsing, and returns a fixed body. Everything the relay adds is missing.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { URLSearchParams } from 'node:url';
import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import { GRAPH_APP, T0, benchBox, denseBox, reportStats } from './lib.mjs';

const { fakeUrl, ca, tenantId } = JSON.parse(process.argv[2]);
// One TLS context for all connections, as the relay's HTTP layer does.
const agent = new Agent({ connect: { secureContext: createSecureContext({ ca: [...rootCertificates, ca] }) }, keepAliveTimeout: 60_000 });
const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: GRAPH_APP.clientId, client_secret: GRAPH_APP.clientSecret, scope: `${fakeUrl}/.default` });
const tokenRes = await request(`${fakeUrl}/${tenantId}/oauth2/v2.0/token`, { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, dispatcher: agent });
const { access_token: token } = await tokenRes.body.json();
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const utc = (ms) => ({ dateTime: new Date(ms).toISOString().slice(0, 19), timeZone: 'UTC' });
const schedule = (schedules, start, end) => JSON.stringify({ schedules, startTime: utc(start), endTime: utc(end), availabilityViewInterval: 1440 }); // the interval the relay asks for

let n = 0;
/** One getSchedule, answer read as text; the mailboxes rotate like the relay's workload. */
async function graphCall(schedules, start, end) {
  const res = await request(`${fakeUrl}/v1.0/users/${encodeURIComponent(schedules[0])}/calendar/getSchedule`, { method: 'POST', headers, body: schedule(schedules, start, end), dispatcher: agent });
  return res.body.text();
}

/** The dense lookup's Graph traffic as the relay makes it: 5 chunks of 20, two 31-day pieces each, 4 chunks at a time. */
async function denseGraphOnly() {
  const chunks = Array.from({ length: 5 }, (_, c) => Array.from({ length: 20 }, (_, i) => denseBox(c * 20 + i)));
  const pieces = [[T0, T0 + 31 * 86_400_000], [T0 + 31 * 86_400_000, T0 + 62 * 86_400_000]];
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++];
      for (const [s, e] of pieces) await graphCall(chunk, s, e);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return performance.now() - started;
}

const fixed = '<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>';
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      if (req.url === '/dense-graph-only') {
        res.end(JSON.stringify({ ms: await denseGraphOnly() }));
        return;
      }
      const i = (n++ * 3) % 200;
      await graphCall([benchBox(i), benchBox((i + 1) % 200), benchBox((i + 2) % 200)], T0, T0 + 86_400_000);
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
      res.end(fixed);
    } catch {
      res.writeHead(502);
      res.end();
    }
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  reportStats();
  process.send({ type: 'ready', url: `http://127.0.0.1:${server.address().port}` });
});
