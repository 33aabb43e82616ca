// What Entra's AADSTS codes mean for this relay's configuration, and what to change.
import type { ResolvedTenant } from '../../config/schema.js';

/** Entra's own sentence from an MSAL error: "AADSTS7000215: Invalid client secret provided." (trace ids dropped). */
export function entraSays(err: unknown): { code?: number; text: string } {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    const m = e as { errorMessage?: unknown; message?: unknown; errorCode?: unknown; cause?: unknown };
    const text = typeof m.errorMessage === 'string' && m.errorMessage ? m.errorMessage : typeof m.message === 'string' ? m.message : '';
    const aadsts = /AADSTS(\d+):\s*([^\n]*?)(?:\s+Trace ID:.*)?$/m.exec(text);
    if (aadsts) {
      const sentence = aadsts[2]!.split(/(?<=\.)\s/)[0] ?? aadsts[2]!;
      return { code: Number(aadsts[1]), text: `AADSTS${aadsts[1]}: ${sentence}` };
    }
    if (i > 0 && typeof m.errorCode === 'string' && m.errorCode) return { text: `${m.errorCode}${text ? `: ${text.split('\n')[0]}` : ''}` };
    e = m.cause;
  }
  return { text: err instanceof Error ? err.message : String(err) };
}

export function entraFix(code: number | undefined, tenant: ResolvedTenant): string {
  const where = `Entra admin center > App registrations > ${tenant.clientId}`;
  switch (code) {
    case 7000215:
      return `The client secret is wrong: in ${where} > Certificates & secrets, copy a secret's Value (not its Secret ID) into GRAPH_CLIENT_SECRET or tenants[].clientSecretFile, or create a new one.`;
    case 7000222:
      return `The client secret has expired: create a new one in ${where} > Certificates & secrets and replace the configured one.`;
    case 700016:
      return `No app ${tenant.clientId} in this tenant: check GRAPH_CLIENT_ID (the Application (client) ID) and that GRAPH_AUTHORITY names the tenant the app is registered in.`;
    case 90002:
      return 'The tenant does not exist in this cloud: GRAPH_AUTHORITY must be https://login.microsoftonline.com/<Directory (tenant) ID> (or the national cloud\'s login host).';
    case 700027:
    case 700024:
      return `The certificate assertion was refused: upload the certificate whose SHA-256 thumbprint is configured to ${where} > Certificates & secrets, and configure the matching private key.`;
    case 7000218:
      return 'No credential was sent: configure a client secret or a certificate for this tenant.';
    case 1002012:
      return 'The scope was refused: GRAPH_ENDPOINT must be the Graph root of the same cloud as the authority (e.g. https://graph.microsoft.com).';
    default:
      return `Check the tenant's authority, client id and credential against ${where}, and that this machine can reach ${new URL(tenant.authority).host} over HTTPS.`;
  }
}
