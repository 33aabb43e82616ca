// EWS operation dispatch: body element (namespace URI + local name) -> operation -> SOAP answer.
import type { DomainPolicy, LookupDeps, MailboxOutcome } from '../availability/lookup.js';
import { lookupAvailability } from '../availability/lookup.js';
import { rulesFromSerializable, rulesFromWindowsId, UTC_RULES } from '../availability/time-zone/index.js';
import type { SerializableTimeZone, ZoneRules } from '../availability/time-zone/types.js';
import type { Clock } from '../clock.js';
import { EwsFault, RelayError, toWire } from '../errors/index.js';
import { ENVELOPE_CLOSE, envelopeOpen, soapEnvelope, soapFault } from './envelope.js';
import { parseAvailabilityRequest } from './parse-availability-request.js';
import type { ServerTimeZones } from './server-time-zones.js';
import { clientKnowsExchange2013, parseSoapRequest, responseSchemaFor, type SoapRequest } from './soap-request.js';
import { responseCodeOf, writeAvailabilityResponse } from './write-availability-response.js';
import { NS, utf8, writeAnswer, type ScratchBuffer } from './xml-writer.js';
import type { XmlLimits } from './xml-parse.js';

/** The envelope around an availability answer, as UTF-8 made once per response schema. */
const ENVELOPE_OPEN_BYTES = { 'exchange-online': utf8(envelopeOpen('exchange-online')), 'exchange2010-sp2': utf8(envelopeOpen('exchange2010-sp2')) } as const;
const ENVELOPE_CLOSE_BYTES = utf8(ENVELOPE_CLOSE);

export interface EwsCaller {
  clientId: string;
  requestId: string;
  /** Domains this caller may look up; undefined = all served domains. */
  allowedDomains?: ReadonlySet<string>;
}

export interface EwsDeps extends LookupDeps {
  /** Wall clock: GetServerTimeZones answers for the years around its current one. */
  now: Clock;
  limits: XmlLimits;
  /** Where answers are written first; one per app, lent to one answer at a time. */
  scratch: ScratchBuffer;
  /** GetServerTimeZones answers and the definitions they reuse; one per app. */
  timeZones: ServerTimeZones;
  domains: ReadonlyMap<string, DomainPolicy>;
}

/** What the audit log records about one EWS call (never addresses' calendars or subjects). */
export interface EwsAudit {
  operation: string;
  mailboxes?: number;
  /** Served email domains asked about ("other" for any other); never the addresses themselves. */
  domains?: string[];
  windowStart?: string;
  windowEnd?: string;
  results?: Record<string, number>;
  fault?: string;
}

export interface EwsAnswer {
  status: 200 | 500;
  /** The SOAP envelope as UTF-8, in pieces to send in order: one, except for an answer larger than 64 KB. */
  body: Buffer[];
  audit: EwsAudit;
}

export async function handleEwsRequest(xml: string, caller: EwsCaller, deps: EwsDeps): Promise<EwsAnswer> {
  let soap: SoapRequest | undefined;
  const audit: EwsAudit = { operation: 'unknown' };
  try {
    soap = parseSoapRequest(xml, deps.limits);
    const op = soap.operation;
    // The element name is the client's text: only names the relay knows reach the audit log.
    audit.operation = op.ns === NS.messages && KNOWN_OPERATIONS.has(op.local) ? op.local : 'unsupported';
    const schema = responseSchemaFor(soap.requestedVersion);
    if (op.ns === NS.messages && op.local === 'GetUserAvailabilityRequest') {
      const input = parseAvailabilityRequest(op);
      const zone = pickZone(input.timeZone ? bodyZone(input.timeZone) : undefined, soap.timeZoneContextId);
      const { window, outcomes } = await lookupAvailability(
        {
          ...input,
          zone,
          workingElsewhere: clientKnowsExchange2013(soap.requestedVersion),
          requestId: caller.requestId,
          ...(caller.allowedDomains ? { allowedDomains: caller.allowedDomains } : {}),
        },
        deps,
      );
      audit.mailboxes = outcomes.length;
      audit.domains = auditDomains(input.mailboxes, deps.domains);
      audit.windowStart = new Date(window.startUtc).toISOString();
      audit.windowEnd = new Date(window.endUtc).toISOString();
      audit.results = {};
      for (const o of outcomes) {
        const k = o.ok ? 'NoError' : responseCodeOf(o.failure);
        audit.results[k] = (audit.results[k] ?? 0) + 1;
      }
      return { status: 200, body: writeAvailabilityAnswer(outcomes, schema, deps.scratch), audit };
    }
    if (op.ns === NS.messages && op.local === 'GetServerTimeZones') {
      const ids = op.children
        .filter((c) => c.ns === NS.messages && c.local === 'Ids')
        .flatMap((c) => c.children.filter((i) => i.ns === NS.types && i.local === 'Id').map((i) => i.text.trim()));
      const full = (op.attrs['ReturnFullTimeZoneData'] ?? 'true').trim();
      return { status: 200, body: [utf8(soapEnvelope(deps.timeZones.bodyXml(ids.length ? ids : undefined, full !== 'false' && full !== '0', { currentYear: new Date(deps.now()).getUTCFullYear() }), schema))], audit };
    }
    throw new EwsFault('ErrorInvalidRequest', `The operation ${op.local.slice(0, 60)} is not supported by this relay.`);
  } catch (err) {
    const schema = responseSchemaFor(soap?.requestedVersion);
    if (err instanceof RelayError) {
      const wire = toWire(err, 'ews');
      audit.fault = wire.wire;
      return { status: 500, body: [utf8(soapFault(wire, schema, wire.backOffMilliseconds))], audit };
    }
    throw err;
  }
}

/**
 * A GetUserAvailability answer as it is sent: the envelope's bytes around writeAvailabilityResponse, in the
 * writer's pieces. Exported for reference-writer.test.ts, which checks it byte for byte.
 */
export function writeAvailabilityAnswer(outcomes: readonly MailboxOutcome[], schema: 'exchange-online' | 'exchange2010-sp2', scratch: ScratchBuffer): Buffer[] {
  return writeAnswer(scratch, (out) => {
    out.bytes(ENVELOPE_OPEN_BYTES[schema]);
    writeAvailabilityResponse(outcomes, out);
    out.bytes(ENVELOPE_CLOSE_BYTES);
  });
}

function bodyZone(tz: SerializableTimeZone): ZoneRules {
  try {
    return rulesFromSerializable(tz);
  } catch (err) {
    if (err instanceof RangeError) throw new EwsFault('ErrorTimeZone', 'TimeZone holds an impossible transition time.');
    throw err;
  }
}

function pickZone(bodyZone: ZoneRules | undefined, contextId: string | undefined): ZoneRules {
  if (bodyZone) return bodyZone;
  if (contextId) {
    const rules = rulesFromWindowsId(contextId);
    if (!rules) throw new EwsFault('ErrorTimeZone', `'${contextId.slice(0, 60)}' is not a known time zone id.`);
    return rules;
  }
  return UTC_RULES;
}

const KNOWN_OPERATIONS = new Set(['GetUserAvailabilityRequest', 'GetServerTimeZones']);

/** Served domains asked about; any other domain is the client's free text and is only counted (as "other"). */
function auditDomains(mailboxes: readonly string[], served: ReadonlyMap<string, unknown>): string[] {
  const domains = new Set<string>();
  for (const m of mailboxes) {
    const domain = m.slice(m.lastIndexOf('@') + 1).toLowerCase();
    domains.add(served.has(domain) ? domain : 'other');
  }
  return [...domains];
}
