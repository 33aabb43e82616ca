// Limits under abuse: rate limits per address and per client, load shedding, body, encoding and method checks, slow clients.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailboxSchedule, ScheduleQuery, ScheduleSource } from '../src/availability/schedule-source.js';
import { CLIENT, makeTestApp, type TestApp } from './support/app.js';
import { MemorySource } from './support/memory-source.js';
import { sample } from './support/samples.js';
import { expectXsdValid } from './support/xsd.js';

const xml = sample('google-style-getuseravailability-request.xml');
const faultCode = (body: string) => /<faultcode[^>]*>a:([A-Za-z]+)</.exec(body)?.[1];
const backOff = (body: string) => /<t:Value Name="BackOffMilliseconds">(\d+)</.exec(body)?.[1];
const tokenForm = `grant_type=client_credentials&client_id=${CLIENT.clientId}&client_secret=${CLIENT.clientSecret}`;

/** A schedule source whose answers wait until released: lookups stay in flight as long as a test wants. */
class GatedSource implements ScheduleSource {
  private waiting: (() => void)[] = [];
  private readonly inner = new MemorySource({ 'alice@example.com': { items: [] }, 'bob@example.com': { items: [] }, 'carol@example.com': { items: [] } });
  held = false;
  async getSchedules(query: ScheduleQuery): Promise<MailboxSchedule[]> {
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    return this.inner.getSchedules(query);
  }
  release() {
    this.held = false;
    for (const w of this.waiting.splice(0)) w();
  }
  get pending() {
    return this.waiting.length;
  }
}

let rated: TestApp;
let gated: TestApp;
let gate: GatedSource;
let ratedBearer: string;
const answered: string[] = [];
beforeAll(async () => {
  rated = await makeTestApp(new MemorySource({ 'alice@example.com': { items: [] } }), {
    rateLimits: { tokenPerAddress: 3, tokenPerClient: 4, ewsPerAddress: 5, ewsPerClient: 6 },
    limits: { maxBodyBytes: 4096 },
  });
  ratedBearer = (await token(rated, '127.0.9.9')).json().access_token as string;
  gate = new GatedSource();
  gated = await makeTestApp(gate, { concurrency: { maxLookups: 2, backOffMs: 1500 } });
});
afterAll(async () => {
  await expectXsdValid(answered);
  await rated.app.close();
  await gated.app.close();
});

const token = (app: TestApp, remoteAddress: string, body = tokenForm) =>
  app.app.inject({ method: 'POST', url: '/token', remoteAddress, payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const ews = async (app: TestApp, remoteAddress: string, bearer: string, headers: Record<string, string> = {}, payload = xml) =>
  app.app.inject({ method: 'POST', url: '/', remoteAddress, payload, headers: { 'content-type': 'text/xml; charset=utf-8', authorization: `Bearer ${bearer}`, ...headers } });

describe('rate limits', () => {
  it('limit /token per source address, with Retry-After, leaving other addresses alone', async () => {
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await token(rated, '127.0.0.2', 'client_id=x&client_secret=y')).statusCode);
    expect(codes).toEqual([401, 401, 401, 429]);
    const limited = await token(rated, '127.0.0.2');
    expect(limited.json()).toMatchObject({ error: 'temporarily_unavailable' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await token(rated, '127.0.0.3')).statusCode).toBe(200);
  });

  it('limit /token per client across addresses, counting only authenticated requests', async () => {
    for (let i = 0; i < 3; i++) expect((await token(rated, `127.0.1.${i}`, `client_id=${CLIENT.clientId}&client_secret=wrong`)).statusCode).toBe(401);
    // Two tokens were issued already (beforeAll, 127.0.0.3); two more fit, the fifth is refused.
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await token(rated, `127.0.2.${i}`)).statusCode);
    expect(codes).toEqual([200, 200, 429]);
  });

  it('limit the EWS endpoint per address and per client with a SOAP ErrorServerBusy carrying BackOffMilliseconds', async () => {
    const bearer = ratedBearer;
    const perAddress = [];
    for (let i = 0; i < 6; i++) perAddress.push(await ews(rated, '127.0.4.1', bearer));
    expect(perAddress.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 429]);
    const busy = perAddress[5]!;
    expect(faultCode(busy.body)).toBe('ErrorServerBusy');
    expect(Number(backOff(busy.body))).toBeGreaterThan(0);
    expect(busy.headers['retry-after']).toBeDefined();
    answered.push(busy.body);
    // Five answered for this client already; one more fits from elsewhere, then the client is over its limit.
    expect((await ews(rated, '127.0.4.2', bearer)).statusCode).toBe(200);
    const perClient = await ews(rated, '127.0.4.3', bearer);
    expect(faultCode(perClient.body)).toBe('ErrorServerBusy');
  });
});

describe('load shedding', () => {
  it('answers over maxLookups at once with ErrorServerBusy and BackOffMilliseconds, and serves again when load drops', async () => {
    const bearer = await gated.token();
    gate.held = true;
    const inFlight = [ews(gated, '127.0.0.1', bearer), ews(gated, '127.0.0.1', bearer)];
    while (gate.pending < 2) await new Promise((r) => setTimeout(r, 5));
    const shed = await ews(gated, '127.0.0.1', bearer);
    expect(shed.statusCode).toBe(500);
    expect(faultCode(shed.body)).toBe('ErrorServerBusy');
    expect(backOff(shed.body)).toBe('1500');
    answered.push(shed.body);
    gate.release();
    expect((await Promise.all(inFlight)).map((r) => r.statusCode)).toEqual([200, 200]);
    expect((await ews(gated, '127.0.0.1', bearer)).statusCode).toBe(200);
    expect(gated.logs.join('')).toContain('"event":"ews.shed"');
  });
});

describe('bodies and methods the EWS endpoint refuses', () => {
  it('answers an oversized, compressed or non-XML body and a GET with clear errors', async () => {
    const bearer = await gated.token();
    const big = await ews(gated, '127.0.0.1', bearer, {}, `<a>${'x'.repeat(2_000_000)}</a>`);
    expect(big.statusCode).toBe(413);
    expect(big.body).toContain('The request body is too large.');
    const gzip = await ews(gated, '127.0.0.1', bearer, { 'content-encoding': 'gzip' });
    expect(gzip.statusCode).toBe(415);
    expect(gzip.body).toContain('Compressed request bodies');
    const json = await ews(gated, '127.0.0.1', bearer, { 'content-type': 'application/json' }, '{}');
    expect(json.statusCode).toBe(415);
    expect(json.body).toContain('The request must be text/xml.');
    answered.push(big.body, gzip.body, json.body);
    for (const url of ['/', '/EWS/Exchange.asmx']) {
      const get = await gated.app.inject({ method: 'GET', url });
      expect(get.statusCode).toBe(405);
      expect(get.headers['allow']).toBe('POST');
    }
    expect((await ews(gated, '127.0.0.1', bearer)).statusCode).toBe(200);
  });
});

describe('slow clients (real socket)', () => {
  it('drops a connection that trickles its headers or its body, while answering others', async () => {
    const slow = await makeTestApp(new MemorySource({}), { timeouts: { headersMs: 300, requestMs: 600 } });
    try {
      await slow.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = slow.app.server.address() as { port: number };
      const trickle = (first: string, drip: string) =>
        new Promise<number>((resolve) => {
          const started = Date.now();
          const socket = connect(port, '127.0.0.1', () => socket.write(first));
          const timer = setInterval(() => socket.writable && socket.write(drip), 100);
          socket.on('data', () => undefined);
          socket.on('error', () => undefined);
          socket.on('close', () => {
            clearInterval(timer);
            resolve(Date.now() - started);
          });
          setTimeout(() => socket.destroy(), 5000);
        });
      const headers = trickle('POST / HTTP/1.1\r\nHost: relay\r\n', 'X-Slow: a\r\n');
      const body = trickle('POST /token HTTP/1.1\r\nHost: relay\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n', 'a');
      const health = await fetch(`http://127.0.0.1:${port}/health-check`);
      expect(health.status).toBe(200);
      const [h, b] = await Promise.all([headers, body]);
      expect(h).toBeLessThan(2500);
      expect(b).toBeLessThan(3000);
    } finally {
      await slow.app.close();
    }
  });
});
