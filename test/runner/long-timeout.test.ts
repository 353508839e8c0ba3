import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_DELAY_MS, setLongTimeout } from '../../src/runner/long-timeout.js';

const DAY_MS = 86_400_000;
/** 30 days: past Node's 2^31 - 1 ms (~24.8 days), so a plain setTimeout would fire after 1 ms. */
const THIRTY_DAYS_MS = 30 * DAY_MS;

describe('setLongTimeout (fake timers)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a delay beyond 2^31 - 1 ms fires exactly once, at its time and not before', () => {
    const fire = vi.fn();
    setLongTimeout(fire, THIRTY_DAYS_MS);
    vi.advanceTimersByTime(1);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(MAX_TIMER_DELAY_MS); // past the first link of the chain
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(THIRTY_DAYS_MS - MAX_TIMER_DELAY_MS - 2); // 1 ms before the deadline
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10 * THIRTY_DAYS_MS);
    expect(fire).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a delay of several whole links (over 100 days) fires at its time', () => {
    const fire = vi.fn();
    const ms = 4 * MAX_TIMER_DELAY_MS + 123;
    setLongTimeout(fire, ms);
    vi.advanceTimersByTime(ms - 1);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('a short delay behaves like setTimeout', () => {
    const fire = vi.fn();
    setLongTimeout(fire, 500);
    vi.advanceTimersByTime(499);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('cleared before it fires, it never fires: in the first link or a later one', () => {
    const early = vi.fn();
    setLongTimeout(early, THIRTY_DAYS_MS).clear();
    const late = vi.fn();
    const handle = setLongTimeout(late, THIRTY_DAYS_MS);
    vi.advanceTimersByTime(MAX_TIMER_DELAY_MS + DAY_MS); // now in the second link
    handle.clear();
    vi.advanceTimersByTime(10 * THIRTY_DAYS_MS);
    expect(early).not.toHaveBeenCalled();
    expect(late).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clear after it fired, or twice, is harmless', () => {
    const fire = vi.fn();
    const handle = setLongTimeout(fire, 10);
    vi.advanceTimersByTime(10);
    handle.clear();
    handle.clear();
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('Infinity never fires; NaN and negative delays are refused', () => {
    const fire = vi.fn();
    const handle = setLongTimeout(fire, Infinity);
    vi.advanceTimersByTime(100 * THIRTY_DAYS_MS);
    expect(fire).not.toHaveBeenCalled();
    handle.clear();
    expect(() => setLongTimeout(fire, NaN)).toThrow(RangeError);
    expect(() => setLongTimeout(fire, -1)).toThrow(RangeError);
  });
});
