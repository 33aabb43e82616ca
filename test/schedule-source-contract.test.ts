// One contract for every ScheduleSource (the port in src/availability/schedule-source.ts), run against each
// implementation as hono runs one suite against every router: the Graph source over the fake Graph (HTTPS),
// the caching source wrapping it (in-memory store), and the in-memory source the app tests use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FREE_BUSY_STATUSES, SOURCE_FAILURES, type MailboxSchedule, type ScheduleQuery, type ScheduleSource } from '../src/availability/schedule-source.js';
import { createCachingSource, createMemoryStore } from '../src/cache/index.js';
import { harness, query, silentLogger, T0, tenantData, type Harness } from '../src/graph/test-support.js';
import { MemorySource, type MemoryMailbox } from './support/memory-source.js';

const DAY = 86_400_000;

interface Subject {
  source: ScheduleSource;
  close(): Promise<void>;
}

/** The fake tenant's mailboxes as the in-memory source holds them: the same events, as items. */
function memoryMailboxes(): Record<string, MemoryMailbox> {
  const out: Record<string, MemoryMailbox> = {};
  for (const [address, box] of Object.entries(tenantData().mailboxes)) {
    out[address] = {
      workingHours: box.workingHours,
      items: box.events.map((e) => ({ start: Number(e.start), end: Number(e.end), status: e.status, isPrivate: e.isPrivate ?? false, ...(e.subject ? { subject: e.subject } : {}), ...(e.location ? { location: e.location } : {}) })),
    };
  }
  return out;
}

const implementations: [string, () => Promise<Subject>][] = [
  [
    'the Graph source over the fake Graph',
    async () => {
      const h: Harness = await harness();
      return { source: h.source, close: () => h.close() };
    },
  ],
  [
    'the caching source around the Graph source',
    async () => {
      const h: Harness = await harness();
      const source = createCachingSource(h.source, { ttlMs: 60_000, singleFlight: true, store: createMemoryStore({ maxEntries: 1000, maxBytes: 1 << 20 }), logger: silentLogger });
      return { source, close: () => h.close() };
    },
  ],
  ['the in-memory source', async () => ({ source: new MemorySource(memoryMailboxes()), close: async () => undefined })],
];

const statusOf = (r: MailboxSchedule) => (r.ok ? 'ok' : r.failure);

describe.each(implementations)('ScheduleSource contract: %s', (_name, make) => {
  let subject: Subject;
  let ask: (q: ScheduleQuery) => Promise<MailboxSchedule[]>;
  beforeAll(async () => {
    subject = await make();
    ask = (q) => subject.source.getSchedules(q);
  });
  afterAll(async () => subject.close());

  it('answers one result per mailbox, in query order, whatever the case or repetition of the addresses', async () => {
    const results = await ask(query(['Bob@Example.com', 'alice@example.com', 'nobody@example.com', 'bob@example.com']));
    expect(results.map(statusOf)).toEqual(['ok', 'ok', 'not-found', 'ok']);
    const [bob, , , again] = results;
    expect(again).toEqual(bob);
  });

  it('gives the items overlapping the window as UTC instants with the domain statuses, and working hours', async () => {
    const [alice] = await ask(query(['alice@example.com']));
    if (!alice?.ok) throw new Error('alice should be answered');
    const items = alice.items.toArray();
    expect(items.map((i) => [i.start - T0, i.end - T0, i.status, i.isPrivate])).toEqual([
      [17 * 3_600_000, 18 * 3_600_000, 'busy', false],
      [20 * 3_600_000, 21 * 3_600_000, 'oof', true],
    ]);
    for (const i of items) expect(FREE_BUSY_STATUSES).toContain(i.status);
    expect(alice.workingHours).toMatchObject({ daysOfWeek: ['monday', 'friday'], timeZone: { name: 'Pacific Standard Time' } });
  });

  it('answers a window with nothing in it as ok with no items', async () => {
    const [bob] = await ask(query(['bob@example.com'], { startUtc: T0 + 5 * DAY, endUtc: T0 + 6 * DAY }));
    expect(bob?.ok && bob.items.length).toBe(0);
  });

  it('gives an item that crosses a long window once, whole', async () => {
    const [carol] = await ask(query(['carol@example.com'], { startUtc: T0, endUtc: T0 + 60 * DAY }));
    if (!carol?.ok) throw new Error('carol should be answered');
    expect(carol.items.toArray().map((i) => [i.start - T0, i.end - T0])).toEqual([[30 * DAY, 32 * DAY]]);
  });

  it('reports failures as kinds with the source\'s own words, and never rejects for them', async () => {
    const results = await ask(query(['nobody@example.com', 'alice@example.com']));
    const [nobody] = results;
    expect(nobody).toMatchObject({ ok: false, failure: 'not-found', detail: expect.any(String) });
    if (!nobody?.ok) expect(SOURCE_FAILURES).toContain(nobody!.failure);
    expect(results[1]?.ok).toBe(true);
  });

  it('answers an empty query with no results, and the same query twice alike', async () => {
    expect(await ask(query([]))).toEqual([]);
    const q = () => query(['alice@example.com', 'bob@example.com']);
    const first = (await ask(q())).map((r) => (r.ok ? r.items.toArray() : r));
    const second = (await ask(q())).map((r) => (r.ok ? r.items.toArray() : r));
    expect(second).toEqual(first);
  });
});
