// Shared fixtures for the Graph adapter's tests: a fake tenant over HTTPS and a source wired to it.
import { timeBudget } from '../clock.js';
import pino from 'pino';
import type { RawConfig, ResolvedTenant } from '../config/schema.js';
import { configFrom } from '../config/test-support.js';
import { startFakeGraph, type FakeGraph, type FakeMailbox, type FakeTenant } from '../demo/fake-graph.js';
import { createGraphScheduleSource, type GraphScheduleSource, type GraphScheduleSourceOptions } from './get-schedule.js';
import type { ScheduleQuery } from '../availability/schedule-source.js';

export const TENANT_ID = '11111111-2222-4333-8444-555555555555';
export const CLIENT_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
export const CLIENT_SECRET = 'right-secret';
export const T0 = Date.UTC(2026, 11, 1); // 2026-12-01T00:00Z
const hour = 3_600_000;

/** The Graph adapter tests' graph section (deadline and chunk size: the schema's defaults). */
export const graphConfig = configFrom({ graph: { attemptTimeoutMs: 3_000, maxAttempts: 3, retryAfterCeilingMs: 2_000 } }).graph;

/** A graphScale section: the schema's defaults with `raw` on top. */
export function graphScale(raw: RawConfig['graphScale'] = {}) {
  return configFrom({ graphScale: raw }).graphScale;
}

export function mailbox(events: FakeMailbox['events'] = []): FakeMailbox {
  return {
    events,
    workingHours: { daysOfWeek: ['monday', 'friday'], startTime: '08:00:00.0000000', endTime: '17:00:00.0000000', timeZone: { name: 'Pacific Standard Time' } },
  };
}

/** alice, bob, carol with one event each, plus m00..m{n-1}@example.com with a single busy hour at T0 + i hours. */
export function tenantData(extraMailboxes = 0, apps?: FakeTenant['apps']): FakeTenant {
  const mailboxes: Record<string, FakeMailbox> = {
    'alice@example.com': mailbox([
      { start: T0 + 17 * hour, end: T0 + 18 * hour, status: 'busy', subject: 'Design review', location: 'Room 1' },
      { start: T0 + 20 * hour, end: T0 + 21 * hour, status: 'oof', subject: 'Doctor', location: 'Clinic', isPrivate: true },
    ]),
    'bob@example.com': mailbox([{ start: T0 + 9 * hour, end: T0 + 10 * hour, status: 'tentative', subject: 'Maybe' }]),
    'carol@example.com': mailbox([{ start: T0 + 30 * 86_400_000, end: T0 + 32 * 86_400_000, status: 'oof', subject: 'Across the split' }]),
  };
  for (let i = 0; i < extraMailboxes; i++) {
    mailboxes[`m${String(i).padStart(2, '0')}@example.com`] = mailbox([{ start: T0 + i * hour, end: T0 + (i + 1) * hour, status: 'busy', subject: `m${i}` }]);
  }
  return { tenantId: TENANT_ID, apps: apps ?? [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }], mailboxes };
}

export function tenantConfig(fake: FakeGraph, overrides: Partial<ResolvedTenant> = {}): ResolvedTenant {
  return { id: 'contoso', authority: `${fake.url}/${TENANT_ID}`, graphEndpoint: fake.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...overrides };
}

export const silentLogger = pino({ level: 'silent' });

export interface Harness {
  fake: FakeGraph;
  source: GraphScheduleSource;
  sleeps: number[];
  close(): Promise<void>;
}

/**
 * A fake tenant and a source against it; sleeps are recorded and skipped so retries cost no wall time. `scale`: raw
 * graphScale settings, through the schema.
 */
export async function harness(
  options: { extraMailboxes?: number; tenant?: Partial<ResolvedTenant>; apps?: FakeTenant['apps']; scale?: RawConfig['graphScale']; source?: Partial<Omit<GraphScheduleSourceOptions, 'scale'>> } = {},
): Promise<Harness> {
  const fake = await startFakeGraph({ tenants: [tenantData(options.extraMailboxes ?? 0, options.apps)] });
  const sleeps: number[] = [];
  const source = createGraphScheduleSource({
    tenants: [tenantConfig(fake, options.tenant)],
    graph: graphConfig,
    scale: graphScale(options.scale),
    logger: silentLogger,
    extraCa: fake.ca,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options.source,
  });
  return {
    fake,
    source,
    sleeps,
    close: async () => {
      await source.close();
      await fake.close();
    },
  };
}

export function query(mailboxes: string[], overrides: Partial<ScheduleQuery> = {}): ScheduleQuery {
  return { tenant: 'contoso', mailboxes, startUtc: T0, endUtc: T0 + 86_400_000, budget: timeBudget(10_000), requestId: 'req-1', ...overrides };
}
