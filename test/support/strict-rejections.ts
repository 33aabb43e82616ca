// Setup file (vitest.config.ts): any unhandled promise rejection fails the test it happened in, as Node's
// --unhandled-rejections=strict would end the process (Node 20's default, "throw", does the same for a relay).
import { afterEach, expect } from 'vitest';

const seen: unknown[] = [];
process.on('unhandledRejection', (reason) => {
  seen.push(reason);
});

afterEach(async () => {
  // Rejections are reported once the microtask queue drains: give them that turn before looking.
  await new Promise((resolve) => setImmediate(resolve));
  const found = seen.splice(0);
  expect(found.map((r) => (r instanceof Error ? `${r.name}: ${r.message}` : String(r))), 'unhandled promise rejections').toEqual([]);
});
