// Hostile inputs for the fuzz suite: named attack documents, mutations of the sample requests, forged tokens.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { SaxesParser } from 'saxes';
import { requestSamples } from './samples.js';

const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const M = 'http://schemas.microsoft.com/exchange/services/2006/messages';
const T = 'http://schemas.microsoft.com/exchange/services/2006/types';

const envelope = (body: string, header = '') => `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${SOAP}" xmlns:m="${M}" xmlns:t="${T}"><s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
const box = (address: string) => `<t:MailboxData><t:Email><t:Address>${address}</t:Address></t:Email><t:AttendeeType>Required</t:AttendeeType></t:MailboxData>`;
const request = (boxes: string, start = '2026-12-01T00:00:00', end = '2026-12-02T00:00:00', extra = '') =>
  envelope(
    `<m:GetUserAvailabilityRequest><m:MailboxDataArray>${boxes}</m:MailboxDataArray><t:FreeBusyViewOptions><t:TimeWindow><t:StartTime>${start}</t:StartTime><t:EndTime>${end}</t:EndTime></t:TimeWindow>` +
      `<t:MergedFreeBusyIntervalInMinutes>30</t:MergedFreeBusyIntervalInMinutes><t:RequestedView>FreeBusy</t:RequestedView></t:FreeBusyViewOptions>${extra}</m:GetUserAvailabilityRequest>`,
  );

/** Named attack documents (strings or raw bytes), each small enough for a test to send many times. */
export function attackDocuments(): { name: string; body: string | Buffer }[] {
  const laughs = ['<!DOCTYPE lolz [<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i ? i : ''};`.repeat(10)}">`), ']>'].join('');
  return [
    { name: 'billion laughs', body: `<?xml version="1.0"?>${laughs}${envelope(box('&lol9;'))}` },
    { name: 'external entity', body: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${request(box('&xxe;@example.com'))}` },
    { name: 'external DTD', body: `<?xml version="1.0"?><!DOCTYPE s:Envelope SYSTEM "http://127.0.0.1:1/evil.dtd">${request(box('alice@example.com'))}` },
    { name: '10,000-deep nesting', body: envelope(`${'<m:x>'.repeat(10_000)}${'</m:x>'.repeat(10_000)}`) },
    { name: '10,000-mailbox array', body: request(Array.from({ length: 10_000 }, (_, i) => `<t:MailboxData><t:Email><t:Address>u${i}@example.com</t:Address></t:Email></t:MailboxData>`).join('')) },
    { name: '101 mailboxes', body: request(Array.from({ length: 101 }, (_, i) => box(`u${i}@example.com`)).join('')) },
    { name: 'huge attribute', body: envelope(`<m:GetUserAvailabilityRequest a="${'A'.repeat(600_000)}"/>`) },
    { name: 'huge text node', body: request(box(`${'a'.repeat(700_000)}@example.com`)) },
    { name: 'invalid UTF-8', body: Buffer.concat([Buffer.from(request(box('alice@example.com')).slice(0, 300)), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from(request(box('alice@example.com')).slice(300))]) },
    { name: 'UTF-16 byte order mark', body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(request(box('alice@example.com')), 'utf16le')]) },
    { name: 'wrong envelope namespace', body: request(box('alice@example.com')).replace(SOAP, 'http://www.w3.org/2003/05/soap-envelope') },
    { name: 'wrong messages namespace', body: request(box('alice@example.com')).replace(`xmlns:m="${M}"`, 'xmlns:m="urn:evil"') },
    { name: 'unbound prefix', body: request(box('alice@example.com')).replace(' xmlns:t=', ' xmlns:q=') },
    { name: 'duplicated TimeWindow', body: request(box('alice@example.com')).replace('</t:TimeWindow>', '</t:TimeWindow><t:TimeWindow><t:StartTime>2026-12-05T00:00:00</t:StartTime><t:EndTime>2026-12-06T00:00:00</t:EndTime></t:TimeWindow>') },
    { name: 'duplicated Body', body: request(box('alice@example.com')).replace('</s:Body>', '</s:Body><s:Body/>') },
    { name: 'two operations', body: request(box('alice@example.com')).replace('</s:Body>', '<m:GetServerTimeZones/></s:Body>') },
    { name: 'year 0 and year 9999', body: request(box('alice@example.com'), '0000-01-01T00:00:00', '9999-12-31T23:59:59') },
    { name: 'end before start', body: request(box('alice@example.com'), '2026-12-02T00:00:00', '2026-12-01T00:00:00') },
    { name: 'a thousand years', body: request(box('alice@example.com'), '1026-12-01T00:00:00', '2026-12-01T00:00:00') },
    { name: 'month 13 and hour 25', body: request(box('alice@example.com'), '2026-13-01T25:61:61', '2026-12-02T00:00:00') },
    { name: 'absurd offset', body: request(box('alice@example.com'), '2026-12-01T00:00:00+99:99', '2026-12-02T00:00:00-23:59') },
    { name: 'absurd interval', body: request(box('alice@example.com')).replace('<t:MergedFreeBusyIntervalInMinutes>30<', '<t:MergedFreeBusyIntervalInMinutes>-99999999999999999999<') },
    { name: 'processing instruction', body: request(box('alice@example.com')).replace('<s:Body>', '<s:Body><?evil data?>') },
    { name: 'CDATA address', body: request(box('<![CDATA[alice@example.com]]>')) },
    { name: 'not XML', body: '{"json": true}' },
    { name: 'empty', body: '' },
    { name: 'NUL bytes', body: Buffer.alloc(4096) },
  ];
}

/** Sample requests cut short, with bytes flipped, slices dropped or duplicated, or junk (possibly a secret) inserted. */
export function mutatedSample(secrets: readonly string[]): fc.Arbitrary<Buffer> {
  const samples = requestSamples().map((s) => Buffer.from(s.xml, 'utf8'));
  const junk = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...secrets, '<', '>', '&', ']]>', '<!DOCTYPE x>', '\u0000', '\uFFFF', 'xmlns:t="urn:x"'));
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('drop' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
    fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 400 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: junk }),
  );
  return fc.tuple(fc.constantFrom(...samples), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([start, mutations]) => {
    let doc = start;
    for (const m of mutations) {
      const at = doc.length === 0 ? 0 : m.at % doc.length;
      if (m.kind === 'truncate') doc = doc.subarray(0, at);
      else if (m.kind === 'flip') doc = Buffer.concat([doc.subarray(0, at), Buffer.from([m.byte]), doc.subarray(at + 1)]);
      else if (m.kind === 'drop') doc = Buffer.concat([doc.subarray(0, at), doc.subarray(at + m.length)]);
      else if (m.kind === 'repeat') doc = Buffer.concat([doc.subarray(0, at + m.length), doc.subarray(at)]);
      else doc = Buffer.concat([doc.subarray(0, at), Buffer.from(m.text, 'utf8'), doc.subarray(at)]);
    }
    return doc;
  });
}

/** Bearer values that must all be refused: forged, expired, wrong audience or issuer, alg none, junk. */
export async function forgedTokens(genuine: string, signingKey: string, issuer: string, now: number): Promise<string[]> {
  const [h, p] = genuine.split('.') as [string, string];
  const key = createHash('sha256').update(`calendar-relay token key\u0000${signingKey}`).digest();
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
  const sign = (over: Record<string, unknown>, headerOver: Record<string, unknown> = {}) =>
    new SignJWT({ ...claims, ...over }).setProtectedHeader({ ...(header as { alg: string }), ...headerOver }).sign(key);
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const s = Math.floor(now / 1000);
  return [
    `${h}.${p}.${'A'.repeat(43)}`,
    `${enc({ alg: 'none', typ: 'at+jwt' })}.${p}.`,
    `${enc({ alg: 'none', typ: 'at+jwt', kid: header['kid'] })}.${p}.`,
    `${enc({ ...header, alg: 'HS512' })}.${p}.${genuine.split('.')[2]}`,
    `${h}.${enc({ ...claims, client_id: 'someone-else', sub: 'someone-else' })}.${genuine.split('.')[2]}`,
    await sign({ exp: s - 1, iat: s - 3600 }),
    await sign({ aud: 'https://graph.microsoft.com' }),
    await sign({ iss: 'https://evil.example' }),
    await sign({ client_id: 'nobody', sub: 'nobody' }),
    await sign({ iat: s + 86_400, exp: s + 90_000, nbf: s + 86_400 }),
    await sign({}, { typ: 'JWT' }),
    await sign({}, { kid: 'not-a-key' }),
    await sign({ client_id: 42 }),
    `${genuine}.extra`,
    genuine.slice(0, -2),
    'x'.repeat(10_000),
    issuer,
  ];
}

/** Whether `text` is well-formed XML (no DTD): what Google needs to read any answer as SOAP. */
export function isWellFormedXml(text: string): boolean {
  const parser = new SaxesParser({ xmlns: true });
  let ok = true;
  parser.on('error', () => (ok = false));
  parser.on('doctype', () => (ok = false));
  try {
    parser.write(text).close();
  } catch {
    return false;
  }
  return ok;
}
