// A getSchedule answer's bytes to MailboxSchedules: the byte scanner first, JSON.parse and the checks when it gives up.
import type { MailboxSchedule } from '../availability/schedule-source.js';
import { ScheduleScanner } from './schedule-scan.js';
import { parseScheduleJson } from './schedule-wire.js';

/**
 * Results keyed by lower-cased scheduleId. Throws ScheduleResponseError for a body that is not the documented
 * shape; its message names the problem, never the body (which holds subjects).
 *
 * The body's bytes are read by `scanner`; only what it does not expect goes through JSON.parse and the checks
 * (schedule-wire.ts). A caller reading many answers passes the one scanner it owns (the Graph source does): its
 * columns and shared working hours then serve every answer. Without one, this answer gets a scanner of its own.
 */
export function parseScheduleResponse(body: Buffer | string, scanner: ScheduleScanner = new ScheduleScanner()): Map<string, MailboxSchedule> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return scanner.scan(bytes) ?? parseScheduleJson(typeof body === 'string' ? body : bytes.toString('utf8'));
}
