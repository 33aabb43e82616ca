// The demo-mode banner: the Google credentials to use and a ready-to-paste lookup against the demo tenant.
import type { Relay } from '../relay.js';

/** A Google-shaped FreeBusyMerged request for today (UTC) for the demo mailboxes plus one unknown address. */
export function demoLookupXml(mailboxes: readonly string[], day: Date): string {
  const d0 = day.toISOString().slice(0, 10);
  const d1 = new Date(day.getTime() + 86_400_000).toISOString().slice(0, 10);
  const boxes = mailboxes
    .map((a) => `<t:MailboxData><t:Email><t:Address>${a}</t:Address></t:Email><t:AttendeeType>Required</t:AttendeeType></t:MailboxData>`)
    .join('');
  return (
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">' +
    '<s:Header><t:RequestServerVersion Version="Exchange2013"/><t:TimeZoneContext><t:TimeZoneDefinition Id="UTC"/></t:TimeZoneContext></s:Header>' +
    `<s:Body><m:GetUserAvailabilityRequest><m:MailboxDataArray>${boxes}</m:MailboxDataArray>` +
    `<t:FreeBusyViewOptions><t:TimeWindow><t:StartTime>${d0}T00:00:00</t:StartTime><t:EndTime>${d1}T00:00:00</t:EndTime></t:TimeWindow>` +
    '<t:MergedFreeBusyIntervalInMinutes>60</t:MergedFreeBusyIntervalInMinutes><t:RequestedView>DetailedMerged</t:RequestedView></t:FreeBusyViewOptions>' +
    '</m:GetUserAvailabilityRequest></s:Body></s:Envelope>'
  );
}

/** Shell commands (bash, curl, node) that get a token and perform one lookup. */
function demoLookupCommand(baseUrl: string, clientId: string, clientSecret: string, xml: string): string {
  return [
    `TOKEN=$(curl -s -u '${clientId}:${clientSecret}' -d grant_type=client_credentials ${baseUrl}/token | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token')`,
    `curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/xml; charset=utf-8' --data-binary '${xml}' ${baseUrl}/`,
  ].join(' && \\\n  ');
}

/** `today`: the relay's clock reading; the sample lookup asks for that UTC day. */
export function demoBanner(address: string, relay: Relay, today: number): string {
  const client = relay.config.google.clients[0]!;
  const base = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '[::1]');
  const mailboxes = [...(relay.demo?.mailboxes ?? []), `nobody@${relay.demo?.domain ?? 'example.com'}`];
  const xml = demoLookupXml(mailboxes, new Date(Math.floor(today / 86_400_000) * 86_400_000));
  return [
    '',
    'Calendar Relay is running in DEMO mode: no Microsoft credentials are configured, so it answers from an',
    `embedded demo tenant (domain ${relay.demo?.domain}: ${relay.demo?.mailboxes.join(', ')}).`,
    '',
    `  EWS URL:              ${base}/`,
    `  Token endpoint URL:   ${base}/token`,
    `  Google client id:     ${client.clientId}`,
    `  Google client secret: ${client.clientSecret}`,
    '',
    'Try a lookup (paste into a shell):',
    '',
    `  ${demoLookupCommand(base, client.clientId, client.clientSecret, xml)}`,
    '',
    'Configure GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET, GRAPH_AUTHORITY, RELAY_DOMAINS and GOOGLE_CLIENT_ID/SECRET',
    '(or --config relay.yaml) to serve a real tenant. See README.md.',
    '',
  ].join('\n');
}
