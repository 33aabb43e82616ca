// Doctor: can each tenant get a Graph token, and does getSchedule answer for a chosen mailbox of each domain?
import { pino } from 'pino';
import type { ResolvedDomain, ResolvedTenant } from '../../config/schema.js';
import { MISSING_USER_CODES } from '../../graph/attempt-outcome.js';
import { createGraphHttp, HttpFailure, type GraphHttp } from '../../graph/http.js';
import { parseScheduleResponse } from '../../graph/schedule-response.js';
import { buildScheduleRequest, parseGraphError } from '../../graph/schedule-wire.js';
import { createMsalTokenProvider, type TokenProvider } from '../../graph/token-provider.js';
import { entraFix, entraSays } from './entra-advice.js';
import { GOOGLE_MESSAGES, type Check } from './report.js';

export interface GraphCheckOptions {
  tenants: readonly ResolvedTenant[];
  domains: readonly ResolvedDomain[];
  /** Mailbox to try per domain (lower-case domain -> address); else the domain's lookupMailbox. */
  mailboxes: ReadonlyMap<string, string>;
  extraCa?: string;
  timeoutMs: number;
  /** How often secret files are re-read (the configuration's graphScale.secretCheckMs). */
  secretCheckMs: number;
  now: () => number;
  step(label: string): (ok: boolean) => void;
}

const PERMISSION_FIX =
  'Give the Entra app the Microsoft Graph application permission Calendars.ReadBasic.All and grant admin consent ' +
  '(API permissions > Add a permission > Microsoft Graph > Application permissions). With Calendars.Read limited by ' +
  'RBAC for Applications, add this mailbox to the app\'s management scope.';

export async function graphChecks(o: GraphCheckOptions): Promise<Check[]> {
  const http = createGraphHttp({
    allowedHosts: o.tenants.flatMap((t) => [new URL(t.authority).host, new URL(t.graphEndpoint).host]),
    ...(o.extraCa ? { extraCa: o.extraCa } : {}),
    connectTimeoutMs: o.timeoutMs,
  });
  const provider = createMsalTokenProvider({ tenants: o.tenants, http, logger: pino({ level: 'silent' }), requestTimeoutMs: o.timeoutMs, secretCheckMs: o.secretCheckMs });
  const checks: Check[] = [];
  try {
    const tokens = new Map<string, string>();
    for (const tenant of o.tenants) {
      const done = o.step(`getting a Graph token for tenant ${tenant.id}`);
      const check = await tokenCheck(tenant, provider, tokens);
      done(check.status === 'pass');
      checks.push(check);
    }
    for (const domain of o.domains) {
      const tenant = o.tenants.find((t) => t.id === domain.tenant);
      const mailbox = o.mailboxes.get(domain.name) ?? domain.lookupMailbox;
      const id = `graph.getSchedule:${domain.name}`;
      const title = `getSchedule for a mailbox of ${domain.name}${mailbox ? ` (${mailbox})` : ''}`;
      if (!tenant) continue; // the configuration check already reported the dangling reference
      if (!mailbox) {
        checks.push({ id, title, status: 'skip', detail: 'No mailbox chosen for this domain.', fix: `Pass --mailbox someone@${domain.name} or set domains[].lookupMailbox.` });
        continue;
      }
      const token = tokens.get(tenant.id);
      if (!token) {
        checks.push({ id, title, status: 'skip', detail: `Tenant ${tenant.id} has no token (see above).` });
        continue;
      }
      const done = o.step(`asking Graph for ${mailbox}`);
      const check = await scheduleCheck(http, tenant, token, mailbox, o);
      done(check.status === 'pass');
      checks.push({ id, title, ...check });
    }
  } finally {
    await http.close();
  }
  return checks;
}

async function tokenCheck(tenant: ResolvedTenant, provider: TokenProvider, tokens: Map<string, string>): Promise<Check> {
  const id = `tenant.token:${tenant.id}`;
  const how = tenant.certificate ? 'certificate' : 'client secret';
  const title = `Graph token for tenant ${tenant.id} (${how}, ${new URL(tenant.authority).host})`;
  try {
    tokens.set(tenant.id, await provider.getToken(tenant.id));
    return { id, title, status: 'pass' };
  } catch (err) {
    const said = entraSays((err as { cause?: unknown }).cause ?? err);
    return { id, title, status: 'fail', detail: `Entra said: ${said.text}`, fix: entraFix(said.code, tenant), google: GOOGLE_MESSAGES.response };
  }
}

type Finding = Omit<Check, 'id' | 'title'>;

async function scheduleCheck(http: GraphHttp, tenant: ResolvedTenant, token: string, mailbox: string, o: GraphCheckOptions): Promise<Finding> {
  const url = `${tenant.graphEndpoint}/v1.0/users/${encodeURIComponent(mailbox)}/calendar/getSchedule`;
  const start = Math.floor(o.now() / 3_600_000) * 3_600_000;
  let res;
  try {
    res = await http.send(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json', 'client-request-id': globalThis.crypto.randomUUID() },
      body: buildScheduleRequest([mailbox], start, start + 86_400_000),
      timeoutMs: o.timeoutMs,
    });
  } catch (err) {
    const reason = err instanceof HttpFailure ? err.message : String(err);
    return { status: 'fail', detail: `Graph did not answer: ${reason}.`, fix: `Let this machine reach ${new URL(tenant.graphEndpoint).host} on port 443 (proxy, firewall, DNS).`, google: GOOGLE_MESSAGES.response };
  }
  const graphRequestId = res.headers['request-id'];
  const code = parseGraphError(res.body)?.code;
  const said = `Graph answered HTTP ${res.status}${code ? ` ${code}` : ''}${graphRequestId ? ` (request-id ${graphRequestId})` : ''}.`;
  if (res.status === 200) {
    const result = parseScheduleResponse(res.body).get(mailbox.toLowerCase());
    if (result?.ok) return { status: 'pass', detail: `${result.items.length} item(s) in the next 24 hours.` };
    if (result?.failure === 'not-found') return unknownMailbox(mailbox, tenant);
    return { status: 'fail', detail: `${said} The schedule entry failed: ${result?.detail ?? 'no entry'}.`, fix: 'Check that the mailbox is a user or room mailbox with a calendar in Exchange Online.', google: GOOGLE_MESSAGES.response };
  }
  if (res.status === 403) return { status: 'fail', detail: `${said} The app may not read calendars: Calendars.ReadBasic.All is missing.`, fix: PERMISSION_FIX, google: GOOGLE_MESSAGES.response };
  if (res.status === 404 && code && MISSING_USER_CODES.has(code)) return unknownMailbox(mailbox, tenant);
  if (res.status === 401) {
    return { status: 'fail', detail: `${said} Graph refused the token.`, fix: 'GRAPH_ENDPOINT must be the Graph root of the cloud GRAPH_AUTHORITY belongs to (graph.microsoft.com for login.microsoftonline.com).', google: GOOGLE_MESSAGES.response };
  }
  if (res.status === 429 || res.status === 503) return { status: 'warn', detail: `${said} Graph is throttling or busy; the relay retries these.`, fix: 'Try again later; if it persists, see docs/operations.md (throttling).' };
  return { status: 'fail', detail: said, fix: 'See the Graph error code in Microsoft\'s getSchedule documentation; quote the request-id to Microsoft support.', google: GOOGLE_MESSAGES.response };
}

function unknownMailbox(mailbox: string, tenant: ResolvedTenant): Finding {
  return {
    status: 'fail',
    detail: `Graph has no mailbox ${mailbox} in tenant ${tenant.id}.`,
    fix: `Choose a mailbox that exists (--mailbox, or domains[].lookupMailbox), and check that its domain is served by tenant ${tenant.id}.`,
    google: GOOGLE_MESSAGES.invalidAttendee,
  };
}
