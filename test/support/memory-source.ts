// Test helper: an in-memory ScheduleSource (the Graph port) for app tests that are not about the wire.
import { failure, ScheduleItems, type MailboxSchedule, type ScheduleItem, type ScheduleQuery, type ScheduleSource, type WorkingHours } from '../../src/availability/schedule-source.js';

export interface MemoryMailbox {
  items: ScheduleItem[];
  workingHours?: WorkingHours;
}

export class MemorySource implements ScheduleSource {
  readonly queries: ScheduleQuery[] = [];
  /** Addresses (lower case) whose lookups fail upstream. */
  readonly failing = new Set<string>();

  constructor(private readonly mailboxes: Record<string, MemoryMailbox>) {}

  async getSchedules(query: ScheduleQuery): Promise<MailboxSchedule[]> {
    this.queries.push(query);
    return query.mailboxes.map((address): MailboxSchedule => {
      const key = address.toLowerCase();
      if (this.failing.has(key)) return failure('upstream', 'upstream failed');
      const box = this.mailboxes[key];
      if (!box) return failure('not-found', `Unable to resolve ${address}.`);
      const items = ScheduleItems.of(box.items.filter((i) => i.end > query.startUtc && i.start < query.endUtc));
      return box.workingHours ? { ok: true, items, workingHours: box.workingHours } : { ok: true, items };
    });
  }
}
