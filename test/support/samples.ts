// Test helper: the EWS client sample requests (test/fixtures/ews/samples), and variants in other namespace dialects.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EWS_FIXTURES } from './xsd.js';

const SAMPLES_DIR = join(EWS_FIXTURES, 'samples');

export function sample(name: string): string {
  return readFileSync(join(SAMPLES_DIR, name), 'utf8');
}

/** Every request sample (the response sample excluded). */
export function requestSamples(): { name: string; xml: string }[] {
  return readdirSync(SAMPLES_DIR)
    .filter((f) => f.endsWith('-request.xml'))
    .map((name) => ({ name, xml: sample(name) }));
}

const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const M = 'http://schemas.microsoft.com/exchange/services/2006/messages';
const T = 'http://schemas.microsoft.com/exchange/services/2006/types';

/** A GetUserAvailabilityRequest written with default namespaces only (no prefixes in the body). */
export function defaultNamespaceRequest(opts: { mailboxes: string[]; start: string; end: string; view: string; interval?: number; version?: string; tzContext?: string }): string {
  const header = [
    opts.version ? `<RequestServerVersion xmlns="${T}" Version="${opts.version}"/>` : '',
    opts.tzContext ? `<TimeZoneContext xmlns="${T}"><TimeZoneDefinition Id="${opts.tzContext}"/></TimeZoneContext>` : '',
  ].join('');
  const boxes = opts.mailboxes
    .map((a) => `<MailboxData xmlns="${T}"><Email><Address>${a}</Address></Email><AttendeeType>Required</AttendeeType></MailboxData>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="utf-8"?><Envelope xmlns="${SOAP}"><Header>${header}</Header><Body>` +
    `<GetUserAvailabilityRequest xmlns="${M}"><MailboxDataArray>${boxes}</MailboxDataArray>` +
    `<FreeBusyViewOptions xmlns="${T}"><TimeWindow><StartTime>${opts.start}</StartTime><EndTime>${opts.end}</EndTime></TimeWindow>` +
    `<MergedFreeBusyIntervalInMinutes>${opts.interval ?? 30}</MergedFreeBusyIntervalInMinutes><RequestedView>${opts.view}</RequestedView></FreeBusyViewOptions>` +
    `</GetUserAvailabilityRequest></Body></Envelope>`
  );
}

/** The same request with soap:/h:/m:/t: prefixes, headers under h: as some clients write them. */
export function hPrefixedRequest(opts: { mailboxes: string[]; start: string; end: string; view: string; version?: string; tzContext?: string }): string {
  const header = [
    opts.version ? `<h:RequestServerVersion Version="${opts.version}"/>` : '',
    opts.tzContext ? `<h:TimeZoneContext><h:TimeZoneDefinition Id="${opts.tzContext}"/></h:TimeZoneContext>` : '',
  ].join('');
  const boxes = opts.mailboxes.map((a) => `<t:MailboxData><t:Email><t:Address>${a}</t:Address></t:Email><t:AttendeeType>Required</t:AttendeeType></t:MailboxData>`).join('');
  return (
    `<soap:Envelope xmlns:soap="${SOAP}" xmlns:h="${T}" xmlns:m="${M}" xmlns:t="${T}"><soap:Header>${header}</soap:Header><soap:Body>` +
    `<m:GetUserAvailabilityRequest><m:MailboxDataArray>${boxes}</m:MailboxDataArray><t:FreeBusyViewOptions><t:TimeWindow>` +
    `<t:StartTime>${opts.start}</t:StartTime><t:EndTime>${opts.end}</t:EndTime></t:TimeWindow><t:RequestedView>${opts.view}</t:RequestedView>` +
    `</t:FreeBusyViewOptions></m:GetUserAvailabilityRequest></soap:Body></soap:Envelope>`
  );
}
