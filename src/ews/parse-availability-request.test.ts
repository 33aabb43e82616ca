import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultNamespaceRequest, hPrefixedRequest, requestSamples, sample } from '../../test/support/samples.js';
import { EwsFault } from '../errors/index.js';
import { parseAvailabilityRequest, parseDateTime } from './parse-availability-request.js';
import { parseSoapRequest } from './soap-request.js';
import { configFrom } from '../config/test-support.js';
import { xmlLimits } from './xml-parse.js';

const XML_LIMITS = xmlLimits(configFrom().limits);

const parse = (xml: string) => {
  const soap = parseSoapRequest(xml, XML_LIMITS);
  return { soap, input: parseAvailabilityRequest(soap.operation) };
};

const faultCode = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof EwsFault) return e.fault;
    throw e;
  }
  return 'no fault';
};

describe('sample requests', () => {
  it('finds the samples', () => expect(requestSamples().length).toBeGreaterThanOrEqual(5));

  for (const { name, xml } of requestSamples()) {
    it(`parses ${name}`, () => {
      const soap = parseSoapRequest(xml, XML_LIMITS);
      expect(soap.operation.ns).toBe('http://schemas.microsoft.com/exchange/services/2006/messages');
      if (soap.operation.local === 'GetUserAvailabilityRequest') {
        const input = parseAvailabilityRequest(soap.operation);
        expect(input.mailboxes.length).toBeGreaterThan(0);
        expect(input.mailboxes.every((m) => m.includes('@'))).toBe(true);
      } else {
        expect(soap.operation.local).toBe('GetServerTimeZones');
      }
    });
  }

  it('reads Google-style SOAP-ENV/ns2/ns3 requests with body time zone', () => {
    const { soap, input } = parse(sample('google-style-getuseravailability-request.xml'));
    expect(soap.requestedVersion).toBe('Exchange2010');
    expect(input.mailboxes).toEqual(['alice@example.com', 'bob@example.com', 'carol@example.com']);
    expect(input.view).toBe('FreeBusyMerged');
    expect(input.intervalMinutes).toBe(30);
    expect(input.start).toEqual({ kind: 'local', localMs: Date.UTC(2026, 11, 1) });
    expect(input.timeZone).toEqual({
      bias: 480,
      standardTime: { bias: 0, time: '02:00:00', dayOrder: 1, month: 11, dayOfWeek: 'Sunday' },
      daylightTime: { bias: -60, time: '02:00:00', dayOrder: 2, month: 3, dayOfWeek: 'Sunday' },
    });
  });

  it('reads impersonation and TimeZoneContext headers', () => {
    const { soap } = parse(sample('google-style-with-impersonation-request.xml'));
    expect(soap.impersonatedAddress).toBe('interop-role@example.com');
    expect(soap.timeZoneContextId).toBe('Pacific Standard Time');
    expect(soap.requestedVersion).toBe('Exchange2010_SP2');
  });

  it('reads exchangelib offsets as instants and ews-javascript-api TimeZoneContext', () => {
    const ex = parse(sample('exchangelib-getuseravailability-request.xml')).input;
    expect(ex.start).toEqual({ kind: 'instant', utcMs: Date.UTC(2024, 6, 1, 15) });
    const ejs = parse(sample('ews-javascript-api-getuseravailability-request.xml'));
    expect(ejs.soap.timeZoneContextId).toBe('Greenwich Standard Time');
    expect(ejs.input.timeZone).toBeUndefined();
    expect(ejs.input.view).toBe('DetailedMerged');
  });

  it('matches on namespace URIs whatever the prefixes', () => {
    const opts = { mailboxes: ['a@example.com'], start: '2026-12-01T00:00:00', end: '2026-12-02T00:00:00', view: 'Detailed', version: 'Exchange2013', tzContext: 'W. Europe Standard Time' };
    for (const xml of [defaultNamespaceRequest(opts), hPrefixedRequest(opts)]) {
      const { soap, input } = parse(xml);
      expect(soap.requestedVersion).toBe('Exchange2013');
      expect(soap.timeZoneContextId).toBe('W. Europe Standard Time');
      expect(input.mailboxes).toEqual(['a@example.com']);
      expect(input.view).toBe('Detailed');
    }
    // Right local names in the wrong namespace are not EWS.
    const wrong = defaultNamespaceRequest(opts).replace('xmlns="http://schemas.microsoft.com/exchange/services/2006/messages"', 'xmlns="urn:wrong"');
    expect(parseSoapRequest(wrong, XML_LIMITS).operation.ns).toBe('urn:wrong');
  });
});

describe('request validation', () => {
  const base = { mailboxes: ['a@example.com'], start: '2026-12-01T00:00:00', end: '2026-12-02T00:00:00', view: 'FreeBusy' };
  it('faults on limits and bad values with the EWS codes', () => {
    expect(faultCode(() => parse(defaultNamespaceRequest({ ...base, mailboxes: [] })))).toBe('ErrorMailboxDataArrayEmpty');
    const many = Array.from({ length: 101 }, (_, i) => `u${i}@example.com`);
    expect(faultCode(() => parse(defaultNamespaceRequest({ ...base, mailboxes: many })))).toBe('ErrorMailboxDataArrayTooBig');
    expect(faultCode(() => parse(defaultNamespaceRequest({ ...base, interval: 4 })))).toBe('ErrorInvalidMergedFreeBusyInterval');
    expect(faultCode(() => parse(defaultNamespaceRequest({ ...base, interval: 1441 })))).toBe('ErrorInvalidMergedFreeBusyInterval');
    expect(faultCode(() => parse(defaultNamespaceRequest({ ...base, view: 'None' })))).toBe('ErrorInvalidFreeBusyViewType');
    expect(faultCode(() => parse(defaultNamespaceRequest({ ...base, start: 'yesterday' })))).toBe('ErrorSchemaValidation');
    expect(faultCode(() => parse(defaultNamespaceRequest({ ...base, version: 'Exchange1999' })))).toBe('ErrorInvalidServerVersion');
    expect(faultCode(() => parse('<not-soap/>'))).toBe('ErrorSchemaValidation');
    expect(faultCode(() => parse('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>'))).toBe('ErrorSchemaValidation');
  });

  it('parses dateTime forms', () => {
    expect(parseDateTime('2026-12-01T09:00:00', 'x')).toEqual({ kind: 'local', localMs: Date.UTC(2026, 11, 1, 9) });
    expect(parseDateTime('2026-12-01T09:00:00.5Z', 'x')).toEqual({ kind: 'instant', utcMs: Date.UTC(2026, 11, 1, 9, 0, 0, 500) });
    expect(parseDateTime('2026-12-01T09:00:00+05:30', 'x')).toEqual({ kind: 'instant', utcMs: Date.UTC(2026, 11, 1, 3, 30) });
    for (const bad of ['2026-02-30T00:00:00', '0001-01-01T00:00:00', '2026-12-01', '2026-12-01T09:00:00+15:00', '9999-12-31T23:59:59']) {
      expect(() => parseDateTime(bad, 'x'), bad).toThrow(EwsFault);
    }
  });

  it('refuses dates that are not on the calendar instead of rolling them over, and takes 24:00:00 only as a day end', () => {
    for (const bad of ['2026-02-30T24:00:00', '2026-02-29T00:00:00', '2026-04-31T12:00:00', '2026-12-01T24:59:59', '2026-12-01T24:00:01', '2026-12-01T24:00:00.5', '2026-12-01T09:00:00+05:60']) {
      expect(faultCode(() => parseDateTime(bad, 'x')), bad).toBe('ErrorSchemaValidation');
    }
    expect(parseDateTime('2028-02-29T10:00:00', 'x')).toEqual({ kind: 'local', localMs: Date.UTC(2028, 1, 29, 10) });
    expect(parseDateTime('2026-12-31T24:00:00', 'x')).toEqual({ kind: 'local', localMs: Date.UTC(2027, 0, 1) });
  });

  it('reads exactly the calendar dates, for any fields (property)', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const monthDays = (y: number, m: number) => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
    fc.assert(
      fc.property(
        fc.record({ y: fc.integer({ min: 1900, max: 2999 }), mo: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }), h: fc.integer({ min: 0, max: 24 }), mi: fc.integer({ min: 0, max: 59 }), s: fc.integer({ min: 0, max: 59 }) }),
        ({ y, mo, d, h, mi, s }) => {
          const text = `${y}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}`;
          const real = d <= monthDays(y, mo) && (h < 24 || (mi === 0 && s === 0));
          if (!real) {
            expect(faultCode(() => parseDateTime(text, 'x')), text).toBe('ErrorSchemaValidation');
            return;
          }
          const parsed = parseDateTime(text, 'x');
          expect(parsed.kind).toBe('local');
          const localMs = (parsed as { localMs: number }).localMs;
          // Read back, the instant names the same fields (24:00:00 as 00:00:00 of the next day).
          const next = new Date(Date.UTC(y, mo - 1, d) + 86_400_000).toISOString().slice(0, 10);
          expect(new Date(localMs).toISOString().slice(0, 19)).toBe(h === 24 ? `${next}T00:00:00` : text);
        },
      ),
      { seed: 20261204, numRuns: 2000 },
    );
  });
});
