// The doctor's findings: one entry per check, rendered for people (pass/fail + fix) or as JSON for machines.
import { paint, type Output } from '../terminal.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface Check {
  /** Stable id, e.g. `tenant.token:contoso`, for scripts reading --json. */
  id: string;
  title: string;
  status: CheckStatus;
  /** What was found, one or two sentences (what Entra or Graph said, the certificate dates...). */
  detail?: string;
  /** What to change, for warn and fail. */
  fix?: string;
  /** The message Google's Calendar Interop troubleshooter would show for this failure. */
  google?: GoogleMessage;
}

/**
 * Messages of Google's Calendar Interop troubleshooting tool (Google admin help 7445063). Google does not say
 * which one each EWS ResponseCode produces; per-mailbox failures are mapped to the nearest documented one.
 */
export const GOOGLE_MESSAGES = {
  connection: 'Connection error',
  communication: 'EWS communication error',
  response: 'EWS response error',
  hostNotFound: 'Host not found',
  invalidAttendee: 'Invalid attendee',
  malformedUrl: 'Malformed Exchange URL',
} as const;
export type GoogleMessage = (typeof GOOGLE_MESSAGES)[keyof typeof GOOGLE_MESSAGES];

export interface DoctorReport {
  ok: boolean;
  checks: Check[];
}

export function summarize(checks: Check[]): DoctorReport {
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

const MARK: Record<CheckStatus, { text: string; style: 'green' | 'yellow' | 'red' | 'dim' }> = {
  pass: { text: 'PASS', style: 'green' },
  warn: { text: 'WARN', style: 'yellow' },
  fail: { text: 'FAIL', style: 'red' },
  skip: { text: 'SKIP', style: 'dim' },
};

export function renderReport(report: DoctorReport, out: Output): string {
  const lines: string[] = [];
  for (const c of report.checks) {
    const mark = MARK[c.status];
    lines.push(`${paint(out, mark.style, `[${mark.text}]`)} ${c.title}`);
    if (c.detail) lines.push(`       ${c.detail}`);
    if (c.google && c.status === 'fail') lines.push(`       Google's troubleshooter would show: "${c.google}"`);
    if (c.fix && c.status !== 'pass') lines.push(`       ${paint(out, 'bold', 'fix:')} ${c.fix}`);
  }
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const warned = report.checks.filter((c) => c.status === 'warn').length;
  lines.push(
    '',
    report.ok
      ? paint(out, 'green', `All checks passed${warned ? ` (${warned} warning${warned > 1 ? 's' : ''})` : ''}.`)
      : paint(out, 'red', `${failed} check${failed > 1 ? 's' : ''} failed.`),
  );
  return `${lines.join('\n')}\n`;
}

/** What Node's network errors mean to Google: no DNS name is "Host not found", anything else "Connection error". */
export function googleForNetwork(code: string | undefined): GoogleMessage {
  return code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? GOOGLE_MESSAGES.hostNotFound : GOOGLE_MESSAGES.connection;
}

export function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  // undici and tls wrap the socket error: the code sits on the cause.
  for (let i = 0; i < 4 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && !code.startsWith('UND_ERR_')) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return (err as { code?: string }).code;
}
