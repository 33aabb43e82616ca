// Readiness per tenant from token results and Graph events, on an injected clock.
import { describe, expect, it } from 'vitest';
import { Readiness } from './readiness.js';

describe('Readiness', () => {
  it('is not ready for a tenant whose token fails or hangs, and says which', async () => {
    const r = new Readiness({
      tenants: ['ok', 'refused', 'slow'],
      getToken: (id) => (id === 'ok' ? Promise.resolve('t') : id === 'refused' ? Promise.reject(new Error('AADSTS7000215')) : new Promise(() => {})),
      graphRecentMs: 60_000,
      tokenTimeoutMs: 50,
    });
    const report = await r.check();
    expect(report.ready).toBe(false);
    expect(report.tenants.ok).toMatchObject({ ready: true, token: 'fresh' });
    expect(report.tenants.refused).toMatchObject({ ready: false, token: 'failed', tokenProblem: 'AADSTS7000215' });
    expect(report.tenants.slow).toMatchObject({ ready: false, token: 'timeout' });
  });

  it('forgets a Graph failure once Graph answers again or the failure is old, and is never ready while draining', async () => {
    let now = 1_000_000;
    const r = new Readiness({ tenants: ['t'], getToken: async () => 'x', graphRecentMs: 60_000, tokenTimeoutMs: 1_000, now: () => now });
    r.observer.graphCall?.({ tenant: 't', result: { failure: 'timeout' }, ms: 5 });
    expect((await r.check()).ready).toBe(false);
    now += 61_000;
    expect((await r.check()).ready).toBe(true);
    r.observer.graphCall?.({ tenant: 't', result: { status: 503 }, ms: 5 });
    expect((await r.check()).tenants.t).toMatchObject({ ready: false, graphFailedSecondsAgo: 0 });
    now += 1_000;
    r.observer.graphCall?.({ tenant: 't', result: { status: 429 }, ms: 5 });
    expect((await r.check()).tenants.t).toMatchObject({ ready: true, graphAnsweredSecondsAgo: 0, graphFailedSecondsAgo: 1 });
    r.drain();
    expect(await r.check()).toMatchObject({ ready: false, draining: true });
  });
});
