import { describe, expect, it } from 'vitest';
import { parseStartAt } from '../../../src/config/start-at.js';
import { waitUntil } from '../../../src/engine/start-at.js';

describe('parseStartAt', () => {
  it('reads ISO times with a zone', () => {
    expect(parseStartAt('2025-06-01T12:00:00Z').toISOString()).toBe('2025-06-01T12:00:00.000Z');
    expect(parseStartAt('2025-06-01T14:00:00+02:00').toISOString()).toBe('2025-06-01T12:00:00.000Z');
  });
  it('refuses a time without a zone, or not a time', () => {
    expect(() => parseStartAt('2025-06-01T12:00:00')).toThrow(/with a zone/);
    expect(() => parseStartAt('tomorrow')).toThrow(/ISO 8601/);
    expect(() => parseStartAt('2025-13-45T99:00:00Z')).toThrow(/not a valid time/);
  });
});

describe('waitUntil', () => {
  it('waits until the time', async () => {
    const at = new Date(Date.now() + 300);
    let told = 0;
    expect(await waitUntil(at, { onWait: (ms) => (told = ms) })).toBe(true);
    expect(Date.now()).toBeGreaterThanOrEqual(at.getTime());
    // The wait it decided on: what was left of the 300 ms asked for.
    expect(told).toBeGreaterThan(0);
    expect(told).toBeLessThanOrEqual(300);
  });

  it('starts at once when slightly late, and refuses a time well in the past', async () => {
    expect(await waitUntil(new Date(Date.now() - 2000))).toBe(true);
    await expect(waitUntil(new Date(Date.now() - 60_000).toISOString())).rejects.toThrow(/is 60\.\d s in the past .*clock here says/);
  });

  it('returns false when aborted', async () => {
    const c = new AbortController();
    const p = waitUntil(new Date(Date.now() + 60_000), { signal: c.signal });
    setTimeout(() => c.abort(), 50);
    expect(await p).toBe(false);
  });
});
