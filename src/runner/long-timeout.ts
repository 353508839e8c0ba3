/**
 * A timeout that may be longer than Node's timers can hold.
 *
 * Node stores a timer's delay as a signed 32-bit count of milliseconds: anything
 * above that (about 24.8 days) is replaced by 1 ms with a TimeoutOverflowWarning, so
 * `timeout_sec: 2592000` would end a task at once. A longer delay is waited out as a
 * chain of timers of at most that size; only the last one calls `fire`.
 */

/** The longest delay `setTimeout` honours: 2^31 - 1 ms, about 24.8 days. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export interface LongTimeout {
  /** Stops it for good; harmless after it fired or when called twice. */
  clear(): void;
}

/**
 * Calls `fire` once, `ms` milliseconds from now (Infinity: never). The remaining time
 * is counted down by each link's own delay, not read from the wall clock, so a
 * clock change cannot move the deadline, just as it cannot move a plain setTimeout.
 */
export function setLongTimeout(fire: () => void, ms: number): LongTimeout {
  if (!(ms >= 0)) throw new RangeError(`timeout delay must be a non-negative number of milliseconds, got ${ms}`);
  let timer: NodeJS.Timeout | undefined;
  const arm = (remaining: number): void => {
    const link = Math.min(remaining, MAX_TIMER_DELAY_MS);
    timer = setTimeout(() => (remaining > link ? arm(remaining - link) : fire()), link);
  };
  arm(ms);
  return { clear: () => clearTimeout(timer) };
}
