// The breaker's state machine and the mailbox limiter's queue, on a fake clock and plain promises.
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './breaker.js';
import { MailboxLimiter, SlotAbortedError } from './call-slots.js';

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures, lets one trial through after the cool-down, and reopens if it fails', () => {
    let t = 0;
    const events: string[] = [];
    const b = new CircuitBreaker({ failures: 3, cooldownMs: 1000 }, () => t, { opened: ({ until }) => events.push(`open until ${until}`), closed: () => events.push('closed') });
    b.failure();
    b.failure();
    b.success(); // a success in between resets the count
    b.failure();
    b.failure();
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    expect(b.allow()).toBe(false);
    t = 999;
    expect(b.allow()).toBe(false);
    t = 1000;
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false); // only one trial at a time
    b.failure();
    expect(b.state).toBe('open');
    t = 2000;
    expect(b.allow()).toBe(true);
    b.success();
    expect(b.state).toBe('closed');
    expect(b.allow()).toBe(true);
    expect(events).toEqual(['open until 1000', 'open until 2000', 'closed']);
  });
});

describe('MailboxLimiter', () => {
  it('grants N slots per key, queues FIFO beyond that, and drops a waiter whose signal aborts', async () => {
    const l = new MailboxLimiter(2);
    const a = await l.acquire('x');
    const b = await l.acquire('x');
    await l.acquire('y'); // other keys are independent
    const order: string[] = [];
    const stop = new AbortController();
    const c = l.acquire('x').then((r) => (order.push('c'), r));
    const d = l.acquire('x', stop.signal).then(() => order.push('d'), (e: unknown) => order.push(e instanceof SlotAbortedError ? 'd aborted' : 'd?'));
    const e = l.acquire('x').then((r) => (order.push('e'), r));
    expect(l.waiting('x')).toBe(3);
    stop.abort();
    await d;
    a();
    a(); // releasing twice frees one slot only
    (await c)();
    b();
    (await e)();
    expect(order).toEqual(['d aborted', 'c', 'e']);
    expect(l.active('x')).toBe(0);
  });
});
