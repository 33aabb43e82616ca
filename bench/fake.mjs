// Benchmark child: the fake Graph over HTTPS on loopback, zero added latency, with light and dense calendars.
import { startFakeGraph } from '../dist/demo/fake-graph.js';
import { GRAPH_APP, T0, TENANT_ID, benchBox, denseBox, reportStats } from './lib.mjs';

const hour = 3_600_000;
const day = 86_400_000;
const statuses = ['busy', 'tentative', 'busy', 'oof', 'workingElsewhere', 'busy'];
const workingHours = { daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], startTime: '09:00:00.0000000', endTime: '17:00:00.0000000', timeZone: { name: 'Pacific Standard Time' } };

const mailboxes = {};
// 200 ordinary mailboxes: three to five meetings on the looked-up day.
for (let i = 0; i < 200; i++) {
  const n = 3 + (i % 3);
  mailboxes[benchBox(i)] = {
    workingHours,
    events: Array.from({ length: n }, (_, k) => ({ start: T0 + (8 + 2 * k) * hour, end: T0 + (9 + 2 * k) * hour, status: statuses[(i + k) % statuses.length], subject: `Meeting ${k}` })),
  };
}
// 100 dense mailboxes over 62 days: eight 45-minute meetings every weekday, some private, all with subject and location.
for (let i = 0; i < 100; i++) {
  const events = [];
  for (let d = 0; d < 62; d++) {
    const weekday = new Date(T0 + d * day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (let k = 0; k < 8; k++) {
      const start = T0 + d * day + (9 + k) * hour;
      events.push({ start, end: start + 45 * 60_000, status: statuses[(i + d + k) % statuses.length], subject: `Project sync ${d}-${k}`, location: `Room ${k + 1}`, isPrivate: (d + k) % 11 === 0 });
    }
  }
  mailboxes[denseBox(i)] = { workingHours, events };
}

const fake = await startFakeGraph({ tenants: [{ tenantId: TENANT_ID, apps: [GRAPH_APP], mailboxes }], record: false, keepAliveTimeoutMs: 120_000 });
reportStats(() => ({ scheduleRequests: fake.scheduleRequests, tokenRequests: fake.tokenRequests, connections: fake.connections }));
process.send({ type: 'ready', url: fake.url, ca: fake.ca, tenantId: TENANT_ID });
