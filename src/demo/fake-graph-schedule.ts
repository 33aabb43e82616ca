// The fake's POST /v1.0/users/{mailbox}/calendar/getSchedule: Graph's validation rules, errors and answer shape.
import { graphError, type FakeReply } from './fake-graph-auth.js';
import { findMailbox, scheduleInformation, unresolvedSchedule, type FakeTenant } from './fake-graph-model.js';

const dayMs = 86_400_000;
// Graph's docs say "less than 62 days"; the service's own error text suggests 62 passes. The fake takes the stricter reading.
const maxWindowDays = 62;
const maxSchedules = 100;
const utcNames = new Set(['utc', 'etc/utc', 'coordinated universal time', 'z']);

function parseDateTimeTimeZone(value: unknown, at: number): number | FakeReply {
  if (typeof value !== 'object' || value === null) return graphError(400, 'ErrorInvalidParameter', 'startTime and endTime are required dateTimeTimeZone values.', at);
  const { dateTime, timeZone } = value as Record<string, unknown>;
  if (typeof timeZone !== 'string' || !utcNames.has(timeZone.toLowerCase())) {
    return graphError(400, 'TimeZoneNotSupportedException', `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${String(timeZone)}'.`, at);
  }
  const m = typeof dateTime === 'string' ? /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?)Z?$/.exec(dateTime) : null;
  const ms = m?.[1] ? Date.parse(`${m[1].slice(0, 23)}Z`) : NaN;
  if (Number.isNaN(ms)) return graphError(400, 'ErrorInvalidParameter', `Cannot convert the literal '${String(dateTime)}' to the expected type 'Edm.DateTime'.`, at);
  return ms;
}

/** `at`: the fake's clock reading, for error bodies. */
export function answerGetSchedule(base: string, tenant: FakeTenant, urlMailbox: string, body: unknown, reverse: boolean, at: number): FakeReply {
  if (!findMailbox(tenant, urlMailbox)) return graphError(404, 'ErrorInvalidUser', `The requested user '${urlMailbox}' is invalid.`, at);
  if (typeof body !== 'object' || body === null) return graphError(400, 'RequestBodyRead', 'Empty Payload. JSON content expected.', at);
  const req = body as Record<string, unknown>;
  const schedules = req.schedules;
  if (!Array.isArray(schedules) || schedules.length === 0 || !schedules.every((s) => typeof s === 'string')) {
    return graphError(400, 'ErrorInvalidParameter', 'schedules must be a non-empty collection of SMTP addresses.', at);
  }
  if (schedules.length > maxSchedules) {
    return graphError(400, 'ErrorInvalidParameter', `The number of schedules requested (${schedules.length}) exceeds the limit of ${maxSchedules}.`, at);
  }
  // Graph answers a null interval with an internal error, not a validation message.
  if (req.availabilityViewInterval === null) return graphError(500, 'ErrorInternalServerError', 'An internal server error occurred. The operation failed.', at);
  const interval = req.availabilityViewInterval ?? 30;
  if (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 5 || interval > 1440) {
    return graphError(400, 'ErrorInvalidParameter', 'availabilityViewInterval must be between 5 and 1440 minutes.', at);
  }
  const start = parseDateTimeTimeZone(req.startTime, at);
  if (typeof start !== 'number') return start;
  const end = parseDateTimeTimeZone(req.endTime, at);
  if (typeof end !== 'number') return end;
  if (end <= start) return graphError(400, 'ErrorInvalidTimeInterval', 'The time duration specified for FreeBusyViewOptions.TimeWindow is invalid.', at);
  const days = Math.ceil((end - start) / dayMs);
  if (end - start >= maxWindowDays * dayMs) {
    return graphError(400, 'ErrorTimeIntervalTooBig', `The requested time duration specified for FreeBusyViewOptions.TimeWindow is too long. The allowed limit = ${maxWindowDays} days; the actual limit = ${days} days.`, at);
  }
  const value = (schedules as string[]).map((id) => {
    const found = findMailbox(tenant, id);
    // The stored spelling comes back, so callers must match scheduleId without regard to case.
    return found ? scheduleInformation(found.address, found.mailbox, start, end, interval) : unresolvedSchedule(id);
  });
  if (reverse) value.reverse();
  return {
    status: 200,
    body: { '@odata.context': `${base}/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)`, value },
  };
}
