// Talks to a relay as Google does: /token with client credentials, then a Google-shaped GetUserAvailability.
import type { FastifyInstance } from 'fastify';
import { Agent, request, type Dispatcher } from 'undici';
import { child, childText, children, parseXml, type XmlElement } from '../ews/xml-parse.js';
import { NS } from '../ews/xml-writer.js';

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** Either a relay over the network, or one built in this process (answered through Fastify's inject). */
export interface RelayTransport {
  post(path: string, body: string, headers: Record<string, string>): Promise<HttpAnswer>;
  close(): Promise<void>;
}

export function httpTransport(baseUrl: string, options: { ca?: string[]; timeoutMs?: number } = {}): RelayTransport {
  const agent: Dispatcher = new Agent({ connect: { timeout: options.timeoutMs ?? 10_000, ...(options.ca ? { ca: options.ca } : {}) } });
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async post(path, body, headers) {
      const res = await request(`${base}${path}`, { method: 'POST', body, headers, dispatcher: agent, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
      return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body: await res.body.text() };
    },
    close: () => agent.close(),
  };
}

export function injectTransport(app: FastifyInstance): RelayTransport {
  return {
    async post(path, body, headers) {
      const res = await app.inject({ method: 'POST', url: path, payload: body, headers });
      return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body: res.body };
    },
    close: async () => {},
  };
}

export type TokenResult = { ok: true; accessToken: string; expiresIn?: number } | { ok: false; status: number; problem: string };

/** Google's token request: form body with client_id and client_secret (and grant_type). */
export async function requestToken(t: RelayTransport, clientId: string, clientSecret: string): Promise<TokenResult> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString();
  const res = await t.post('/token', form, { 'content-type': 'application/x-www-form-urlencoded' });
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(res.body) as Record<string, unknown>;
  } catch {
    return { ok: false, status: res.status, problem: `the answer is not JSON (HTTP ${res.status}, ${res.contentType || 'no content type'})` };
  }
  if (res.status === 200 && typeof json.access_token === 'string' && String(json.token_type).toLowerCase() === 'bearer') {
    return { ok: true, accessToken: json.access_token, ...(typeof json.expires_in === 'number' ? { expiresIn: json.expires_in } : {}) };
  }
  const error = typeof json.error === 'string' ? `${json.error}${typeof json.error_description === 'string' ? `: ${json.error_description}` : ''}` : 'no access_token';
  return { ok: false, status: res.status, problem: `HTTP ${res.status}, ${error}` };
}

export interface AvailabilityQuery {
  mailboxes: readonly string[];
  /** Naive local date-times, `YYYY-MM-DDTHH:MM:SS`, in the zone `timeZoneXml` describes. */
  start: string;
  end: string;
  view: 'FreeBusy' | 'FreeBusyMerged' | 'Detailed' | 'DetailedMerged';
  intervalMinutes: number;
  /** A `<ns2:TimeZone>` element (SerializableTimeZone); absent: UTC. */
  timeZoneXml?: string;
  version?: string;
}

/** The request with Google's prefixes (SOAP-ENV, ns2 types, ns3 messages), as in test/fixtures/ews/samples/google-style-*. */
export function googleStyleRequest(q: AvailabilityQuery): string {
  const ns = `xmlns:ns2="${NS.types}" xmlns:ns3="${NS.messages}"`;
  const boxes = q.mailboxes
    .map((a) => `<ns2:MailboxData><ns2:Email><ns2:Address>${escapeXml(a)}</ns2:Address></ns2:Email><ns2:AttendeeType>Required</ns2:AttendeeType><ns2:ExcludeConflicts>false</ns2:ExcludeConflicts></ns2:MailboxData>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="${NS.soap}"><SOAP-ENV:Header>` +
    `<ns2:RequestServerVersion ${ns} Version="${q.version ?? 'Exchange2010'}"/></SOAP-ENV:Header><SOAP-ENV:Body>` +
    `<ns3:GetUserAvailabilityRequest ${ns}>${q.timeZoneXml ?? ''}<ns3:MailboxDataArray>${boxes}</ns3:MailboxDataArray>` +
    `<ns2:FreeBusyViewOptions><ns2:TimeWindow><ns2:StartTime>${q.start}</ns2:StartTime><ns2:EndTime>${q.end}</ns2:EndTime></ns2:TimeWindow>` +
    `<ns2:MergedFreeBusyIntervalInMinutes>${q.intervalMinutes}</ns2:MergedFreeBusyIntervalInMinutes><ns2:RequestedView>${q.view}</ns2:RequestedView>` +
    `</ns2:FreeBusyViewOptions></ns3:GetUserAvailabilityRequest></SOAP-ENV:Body></SOAP-ENV:Envelope>`
  );
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface AnsweredEvent {
  start: string;
  end: string;
  busyType: string;
  subject?: string;
  location?: string;
  isPrivate: boolean;
}

export interface AnsweredMailbox {
  code: string;
  message?: string;
  merged?: string;
  events: AnsweredEvent[];
  workingPeriods: { days: string; startMinutes: number; endMinutes: number }[];
}

export type AvailabilityAnswer = { kind: 'ok'; mailboxes: AnsweredMailbox[] } | { kind: 'fault'; code: string; message: string } | { kind: 'not-ews'; problem: string };

/** Reads what the relay (or any EWS server) answered; anything but SOAP is `not-ews`, what Google rejects. */
export function readAvailabilityAnswer(res: HttpAnswer): AvailabilityAnswer {
  if (!/xml/i.test(res.contentType)) return { kind: 'not-ews', problem: `HTTP ${res.status} with ${res.contentType || 'no content type'}, not SOAP XML` };
  let root: XmlElement;
  try {
    root = parseXml(res.body, { maxDepth: 64, maxElements: 200_000, maxTextLength: 1_000_000 });
  } catch (err) {
    return { kind: 'not-ews', problem: `HTTP ${res.status}, body is not well-formed XML (${(err as Error).message})` };
  }
  const body = child(root, NS.soap, 'Body');
  if (root.ns !== NS.soap || root.local !== 'Envelope' || !body) return { kind: 'not-ews', problem: `HTTP ${res.status}, XML but not a SOAP envelope` };
  const fault = child(body, NS.soap, 'Fault');
  if (fault) {
    const detail = child(fault, '', 'detail');
    const code = childText(detail, NS.errors, 'ResponseCode') ?? childText(fault, '', 'faultcode') ?? 'unknown';
    return { kind: 'fault', code, message: childText(fault, '', 'faultstring') ?? '' };
  }
  const response = child(body, NS.messages, 'GetUserAvailabilityResponse');
  if (!response) return { kind: 'not-ews', problem: `HTTP ${res.status}, SOAP without GetUserAvailabilityResponse` };
  const mailboxes = children(child(response, NS.messages, 'FreeBusyResponseArray'), NS.messages, 'FreeBusyResponse').map(readMailbox);
  return { kind: 'ok', mailboxes };
}

function readMailbox(el: XmlElement): AnsweredMailbox {
  const message = child(el, NS.messages, 'ResponseMessage');
  const view = child(el, NS.messages, 'FreeBusyView');
  const events = children(child(view, NS.types, 'CalendarEventArray'), NS.types, 'CalendarEvent').map((e): AnsweredEvent => {
    const details = child(e, NS.types, 'CalendarEventDetails');
    const subject = childText(details, NS.types, 'Subject');
    const location = childText(details, NS.types, 'Location');
    return {
      start: childText(e, NS.types, 'StartTime') ?? '',
      end: childText(e, NS.types, 'EndTime') ?? '',
      busyType: childText(e, NS.types, 'BusyType') ?? 'NoData',
      isPrivate: childText(details, NS.types, 'IsPrivate') === 'true',
      ...(subject ? { subject } : {}),
      ...(location ? { location } : {}),
    };
  });
  const periods = children(child(child(view, NS.types, 'WorkingHours'), NS.types, 'WorkingPeriodArray'), NS.types, 'WorkingPeriod').map((p) => ({
    days: childText(p, NS.types, 'DayOfWeek') ?? '',
    startMinutes: Number(childText(p, NS.types, 'StartTimeInMinutes') ?? 0),
    endMinutes: Number(childText(p, NS.types, 'EndTimeInMinutes') ?? 0),
  }));
  const text = childText(message, NS.messages, 'MessageText');
  const merged = childText(view, NS.types, 'MergedFreeBusy');
  return {
    code: childText(message, NS.messages, 'ResponseCode') ?? 'unknown',
    ...(text ? { message: text } : {}),
    ...(merged !== undefined ? { merged } : {}),
    events,
    workingPeriods: periods,
  };
}
