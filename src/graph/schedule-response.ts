// A getSchedule answer's bytes to MailboxSchedules: the byte scanner first, JSON.parse and the checks when it gives up.
import type { MailboxSchedule } from '../availability/schedule-source.js';
import { scanScheduleResponse } from './schedule-scan.js';
import { parseScheduleJson } from './schedule-wire.js';

/**
 * Results keyed by lower-cased scheduleId. Throws ScheduleResponseError for a body that is not the documented
 * shape; its message names the problem, never the body (which holds subjects).
 *
 * The body's bytes are read by scanScheduleResponse; only what it does not expect goes through JSON.parse and
 * the checks below.
 */
export function parseScheduleResponse(body: Buffer | string): Map<string, MailboxSchedule> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return scanScheduleResponse(bytes) ?? parseScheduleJson(typeof body === 'string' ? body : bytes.toString('utf8'));
}

