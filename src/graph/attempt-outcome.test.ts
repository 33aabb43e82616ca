// What one attempt's outcome means, checked as the pure function it is: no server, no clock.
import { describe, expect, it } from 'vitest';
import { classifyResponse, classifyTransport, retryRefused, stoppedBeforeAttempt, TRANSPORT_FAILURES } from './attempt-outcome.js';

const res = (status: number, body: unknown, headers: Record<string, string> = {}) => {
  const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return { status, headers, bytes, body: bytes.toString('utf8') };
};
const NOW = Date.UTC(2026, 11, 1);

describe('classifyResponse', () => {
  it('reads a 200 into results, and an unreadable 200 as an upstream failure Graph answered', () => {
    const ok = classifyResponse(res(200, { value: [{ scheduleId: 'a@example.com', scheduleItems: [] }] }), NOW);
    expect(ok).toMatchObject({ next: 'done', result: { kind: 'ok' } });
    const bad = classifyResponse(res(200, 'not json'), NOW);
    expect(bad).toMatchObject({ next: 'done', result: { kind: 'failed', failure: 'upstream', verdict: 'answered' }, problem: expect.any(String) });
  });

  it('takes Graph\'s missing-user 404s as "try another URL mailbox", and any other status to the retry policy', () => {
    expect(classifyResponse(res(404, { error: { code: 'ErrorInvalidUser' } }), NOW)).toEqual({ next: 'done', result: { kind: 'url-user-not-found' } });
    expect(classifyResponse(res(404, { error: { code: 'SomethingElse' } }), NOW)).toMatchObject({ next: 'retry', failure: { kind: 'status', status: 404 }, graphCode: 'SomethingElse' });
    expect(classifyResponse(res(429, { error: { code: 'ApplicationThrottled' } }, { 'retry-after': '3' }), NOW)).toMatchObject({ next: 'retry', failure: { kind: 'status', status: 429, retryAfterMs: 3000 } });
  });
});

describe('classifyTransport', () => {
  it('follows the table: retry network failures and attempt timeouts, end the call for the rest', () => {
    for (const kind of Object.keys(TRANSPORT_FAILURES) as (keyof typeof TRANSPORT_FAILURES)[]) {
      const meaning = classifyTransport(kind, 1, false);
      expect(meaning.next, kind).toBe('retry' in TRANSPORT_FAILURES[kind] ? 'retry' : 'done');
    }
  });

  it('gives the breaker no verdict for a call that never reached Graph, and a failure once attempts were made', () => {
    expect(classifyTransport('host-not-allowed', 1, false)).toMatchObject({ result: { verdict: 'none' } });
    expect(classifyTransport('aborted', 1, false)).toMatchObject({ result: { failure: 'timeout', verdict: 'none' } });
    expect(classifyTransport('aborted', 2, false)).toMatchObject({ result: { failure: 'timeout', verdict: 'failed' } });
    expect(classifyTransport('timeout', 1, true)).toMatchObject({ result: { failure: 'timeout', verdict: 'failed' } });
    expect(stoppedBeforeAttempt(1)).toMatchObject({ verdict: 'none' });
    expect(stoppedBeforeAttempt(3)).toMatchObject({ verdict: 'failed' });
  });

  it('holds only outages and throttling against the tenant when the retry policy says no', () => {
    expect(retryRefused({ retry: false, reason: 'exhausted' }, 4)).toMatchObject({ failure: 'upstream', verdict: 'failed', detail: 'Graph did not answer (4 attempts)' });
    expect(retryRefused({ retry: false, reason: 'not-retryable' }, 1)).toMatchObject({ failure: 'upstream', verdict: 'answered' });
    expect(retryRefused({ retry: false, reason: 'deadline' }, 2)).toMatchObject({ failure: 'timeout', verdict: 'failed' });
  });
});
