import { afterEach, expect, it, vi } from 'vitest';
import { MAX_TIMER_MS, setLongTimeout } from '../../../src/util/long-timeout.js';
import { InterruptibleSleep } from '../../../src/runtime/sleep.js';

afterEach(() => {
  vi.useRealTimers();
});

it('fires a delay past 2^31 ms at its time, not after 1 ms', () => {
  vi.useFakeTimers();
  const fn = vi.fn();
  const ms = 597 * 3_600_000; // -t 597h
  setLongTimeout(fn, ms);
  vi.advanceTimersByTime(MAX_TIMER_MS);
  expect(fn).not.toHaveBeenCalled();
  vi.advanceTimersByTime(ms - MAX_TIMER_MS - 1);
  expect(fn).not.toHaveBeenCalled();
  vi.advanceTimersByTime(1);
  expect(fn).toHaveBeenCalledTimes(1);
});

it('never fires Infinity, and clear() cancels a chained timer', () => {
  vi.useFakeTimers();
  const never = vi.fn();
  setLongTimeout(never, Infinity);
  const cleared = vi.fn();
  const t = setLongTimeout(cleared, 3 * MAX_TIMER_MS);
  vi.advanceTimersByTime(MAX_TIMER_MS + 5);
  t.clear();
  vi.advanceTimersByTime(4 * MAX_TIMER_MS);
  expect(never).not.toHaveBeenCalled();
  expect(cleared).not.toHaveBeenCalled();
});

it('a wait time of Infinity sleeps until interrupted, without a TimeoutOverflowWarning', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on('warning', onWarning);
  try {
    const sleep = new InterruptibleSleep();
    let woke = false;
    const p = sleep.sleep(Infinity).then(() => (woke = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(woke).toBe(false);
    sleep.interrupt();
    await p;
    expect(woke).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  } finally {
    process.off('warning', onWarning);
  }
});
