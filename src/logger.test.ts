// The logger never writes what a client sent as secrets: Authorization headers, query strings, raw packets.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, flatLineLogger } from './logger.js';

const SECRET = 'c2VjcmV0LXBhc3N3b3JkLTEyMzQ';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger('trace', sink), text: () => lines.join('') };
}

describe('createLogger', () => {
  it('drops the raw packet Node attaches to HTTP parse errors, even at trace level', () => {
    const { logger, text } = capture();
    const err = Object.assign(new Error('Parse Error: Invalid header value char'), { code: 'HPE_INVALID_HEADER_TOKEN', rawPacket: Buffer.from(`GET / HTTP/1.1\r\nAuthorization: Basic ${SECRET}\r\n`) });
    logger.trace({ err }, 'client error');
    expect(text()).toContain('HPE_INVALID_HEADER_TOKEN');
    expect(text()).not.toContain(SECRET);
  });

  it('logs requests without headers, query strings or paths the relay does not serve', () => {
    const { logger, text } = capture();
    logger.info({ req: { method: 'POST', url: `/token?client_secret=${SECRET}`, headers: { authorization: `Basic ${SECRET}` } } }, 'incoming');
    logger.info({ req: { method: 'GET', url: `/${SECRET}` } }, 'incoming');
    expect(text()).toContain('"url":"/token?[redacted]"');
    expect(text()).toContain('"url":"[other path]"');
    expect(text()).not.toContain(SECRET);
  });

  it('writes flat lines through flatLineLogger exactly as the logger does, and still redacts the secret names', () => {
    const { logger, text } = capture();
    const flat = flatLineLogger(logger.child({ requestId: 'r1' }));
    const line = { event: 'ews.lookup', clientId: 'google', operation: 'GetUserAvailabilityRequest', mailboxes: 3, domains: ['example.com', 'other'], results: { ok: 2, ErrorMailRecipientNotFound: 1 }, ms: 4 };
    logger.child({ requestId: 'r1' }).info(line, 'EWS request answered');
    flat.info(line, 'EWS request answered');
    const [viaRoot, viaFlat] = text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect({ ...viaFlat, time: 0 }).toEqual({ ...viaRoot, time: 0 });
    flat.info({ event: 'x', subject: SECRET, location: SECRET, password: SECRET, clientSecret: SECRET, access_token: SECRET, authorization: SECRET }, 'secrets');
    expect(text()).not.toContain(SECRET);
    expect(text()).toContain('"subject":"[redacted]"');
  });
});
