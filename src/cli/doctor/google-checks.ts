// Doctor: plays Google against the relay's public URL: a token from /token, then a Google-shaped GetUserAvailability.
import { NS } from '../../ews/xml-writer.js';
import { googleStyleRequest, readAvailabilityAnswer, requestToken, type RelayTransport } from '../ews-client.js';
import { errorCode, googleForNetwork, GOOGLE_MESSAGES, type Check } from './report.js';

export interface GoogleCheckOptions {
  transport: RelayTransport;
  /** Path of the EWS URL on the relay (what Google's "EWS URL" field points at). */
  ewsPath: string;
  where: string;
  client?: { clientId: string; clientSecret: string } | undefined;
  mailboxes: readonly string[];
  now: () => number;
  step(label: string): (ok: boolean) => void;
}

// Google sends US Pacific rules in the body (test/fixtures/ews/samples/google-style-getuseravailability-request.xml).
const PACIFIC =
  `<ns2:TimeZone xmlns:ns2="${NS.types}"><ns2:Bias>480</ns2:Bias><ns2:StandardTime><ns2:Bias>0</ns2:Bias><ns2:Time>02:00:00</ns2:Time><ns2:DayOrder>1</ns2:DayOrder><ns2:Month>11</ns2:Month><ns2:DayOfWeek>Sunday</ns2:DayOfWeek></ns2:StandardTime>` +
  '<ns2:DaylightTime><ns2:Bias>-60</ns2:Bias><ns2:Time>02:00:00</ns2:Time><ns2:DayOrder>2</ns2:DayOrder><ns2:Month>3</ns2:Month><ns2:DayOfWeek>Sunday</ns2:DayOfWeek></ns2:DaylightTime></ns2:TimeZone>';

export async function googleChecks(o: GoogleCheckOptions): Promise<Check[]> {
  const tokenId = 'google.token';
  const tokenTitle = `Google's token request to ${o.where}/token`;
  if (!o.client) {
    return [{ id: tokenId, title: tokenTitle, status: 'fail', detail: 'No Google client is configured.', fix: 'Run `calendar-relay credentials` and configure the client it prints.', google: GOOGLE_MESSAGES.response }];
  }
  const checks: Check[] = [];
  const done = o.step('getting a token the way Google does');
  let token;
  try {
    token = await requestToken(o.transport, o.client.clientId, o.client.clientSecret);
  } catch (err) {
    done(false);
    const code = errorCode(err);
    return [{ id: tokenId, title: tokenTitle, status: 'fail', detail: `No answer: ${code ?? (err as Error).message}.`, fix: `Make ${o.where} reachable over HTTPS from Google's ranges (firewall, DNS, TLS front).`, google: googleForNetwork(code) }];
  }
  done(token.ok);
  if (!token.ok) {
    const fix =
      token.status === 401
        ? "The client id or secret is not one the relay knows: the relay's google.clients must match what Google's console holds."
        : token.status === 404
          ? 'Nothing answers /token at this URL: point it at the relay, not another server.'
          : 'The relay did not answer /token as an OAuth server: check what listens behind this URL.';
    return [{ id: tokenId, title: tokenTitle, status: 'fail', detail: token.problem, fix, google: GOOGLE_MESSAGES.response }];
  }
  checks.push({ id: tokenId, title: tokenTitle, status: 'pass', detail: `access token issued${token.expiresIn ? `, valid ${token.expiresIn} s` : ''}.` });

  const ewsId = 'google.availability';
  const ewsTitle = `Google-shaped GetUserAvailability to ${o.where}${o.ewsPath}`;
  if (o.mailboxes.length === 0) {
    checks.push({ id: ewsId, title: ewsTitle, status: 'skip', detail: 'No mailbox chosen.', fix: 'Pass --mailbox someone@your-domain or set domains[].lookupMailbox.' });
    return checks;
  }
  const day = new Date(o.now()).toISOString().slice(0, 10);
  const next = new Date(o.now() + 86_400_000).toISOString().slice(0, 10);
  const xml = googleStyleRequest({ mailboxes: o.mailboxes, start: `${day}T00:00:00`, end: `${next}T00:00:00`, view: 'FreeBusyMerged', intervalMinutes: 30, timeZoneXml: PACIFIC });
  const asked = o.step(`looking up ${o.mailboxes.join(', ')} the way Google does`);
  let answer;
  try {
    const res = await o.transport.post(o.ewsPath, xml, { 'content-type': 'text/xml; charset=utf-8', authorization: `Bearer ${token.accessToken}` });
    answer = readAvailabilityAnswer(res);
  } catch (err) {
    asked(false);
    const code = errorCode(err);
    checks.push({ id: ewsId, title: ewsTitle, status: 'fail', detail: `No answer: ${code ?? (err as Error).message}.`, fix: 'Check the EWS URL and that lookups are not blocked on their way to the relay.', google: googleForNetwork(code) });
    return checks;
  }
  asked(answer.kind === 'ok');
  if (answer.kind === 'not-ews') {
    checks.push({ id: ewsId, title: ewsTitle, status: 'fail', detail: answer.problem, fix: 'The EWS URL must point at the relay itself (path / or /EWS/Exchange.asmx), with nothing rewriting the answer.', google: GOOGLE_MESSAGES.response });
  } else if (answer.kind === 'fault') {
    checks.push({ id: ewsId, title: ewsTitle, status: 'fail', detail: `SOAP Fault ${answer.code}: ${answer.message}`, fix: 'See the relay log line with event ews.lookup for this request.', google: GOOGLE_MESSAGES.response });
  } else {
    answer.mailboxes.forEach((m, i) => {
      const mailbox = o.mailboxes[i] ?? '?';
      const id = `${ewsId}:${mailbox}`;
      const title = `free/busy for ${mailbox} as Google gets it`;
      if (m.code === 'NoError') checks.push({ id, title, status: 'pass', detail: `MergedFreeBusy ${m.merged ?? '(none)'}` });
      else if (m.code === 'ErrorMailRecipientNotFound') checks.push({ id, title, status: 'fail', detail: `${m.code}: ${m.message ?? ''}`.trim(), fix: 'The mailbox does not exist in the tenant serving its domain.', google: GOOGLE_MESSAGES.invalidAttendee });
      else if (m.code === 'ErrorProxyRequestNotAllowed') checks.push({ id, title, status: 'fail', detail: `${m.code}: the relay does not serve this domain.`, fix: 'Add the domain to domains[] (or RELAY_DOMAINS).', google: GOOGLE_MESSAGES.response });
      else checks.push({ id, title, status: 'fail', detail: `${m.code}: ${m.message ?? ''}`.trim(), fix: 'See the Graph checks above and the relay log (event graph.call) for this lookup.', google: GOOGLE_MESSAGES.response });
    });
  }
  return checks;
}
