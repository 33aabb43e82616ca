// The relay's time sources. Everything in src/ that needs the time of day gets a Clock injected (the composition
// root passes one down; tests pass a fixed or stepped one); durations use the monotonic helpers below. This is
// the only module that reads the system's clocks: test/one-clock.test.ts fails if another one does.

/** Wall-clock time as epoch milliseconds: dates, token expiries, cache lifetimes, cool-downs, rate-limit windows. */
export type Clock = () => number;

/** The system's wall clock: the default in production. */
export const systemClock: Clock = () => Date.now();

/**
 * Monotonic milliseconds from an arbitrary origin, for durations only (a lookup's budget, how long a call took).
 * It never jumps when the wall clock is set, and a reading is never compared with a Clock reading.
 */
const monotonicMs = (): number => performance.now();

/** How long since the stopwatch started, ms (monotonic). */
export function stopwatch(): () => number {
  const started = monotonicMs();
  return () => monotonicMs() - started;
}

/**
 * What is left of a lookup's time. Carried with the query instead of an absolute deadline, so the budget means
 * the same whatever clock the caller injected, and no epoch from one clock meets a reading of another.
 */
export interface TimeBudget {
  /** Milliseconds left (zero or negative once spent). */
  remainingMs(): number;
}

/** A budget of `ms` starting now, measured on the monotonic clock. */
export function timeBudget(ms: number): TimeBudget {
  const end = monotonicMs() + ms;
  return { remainingMs: () => end - monotonicMs() };
}
