import { describe, expect, it } from 'vitest';
import { RetryAfterGate, retryAfterMs, retryAfterNote } from '../../../src/clients/retry-after.js';

describe('retryAfterMs', () => {
  it('reads seconds on a 429 or 503', () => {
    expect(retryAfterMs(429, '2')).toBe(2000);
    expect(retryAfterMs(503, ['0.5'])).toBe(500);
  });

  it('reads an HTTP date as the time left until it', () => {
    const ms = retryAfterMs(429, new Date(Date.now() + 60_000).toUTCString())!;
    expect(ms).toBeGreaterThan(50_000);
    expect(ms).toBeLessThanOrEqual(60_000);
    expect(retryAfterMs(429, new Date(Date.now() - 60_000).toUTCString())).toBe(0);
  });

  it('ignores other statuses, nonsense, and caps a wait of hours', () => {
    expect(retryAfterMs(200, '2')).toBeUndefined();
    expect(retryAfterMs(500, '2')).toBeUndefined();
    expect(retryAfterMs(429, 'soon')).toBeUndefined();
    expect(retryAfterMs(429, undefined)).toBeUndefined();
    expect(retryAfterMs(429, '86400')).toBe(600_000);
  });

  it('is noted in the error message', () => {
    expect(retryAfterNote(2000)).toBe(' (Retry-After 2s)');
    expect(retryAfterNote(1500)).toBe(' (Retry-After 1.5s)');
    expect(retryAfterNote(undefined)).toBe('');
  });
});

describe('RetryAfterGate', () => {
  it('lets requests go at once until a hold, then shares one wait among them', async () => {
    const pauses: number[] = [];
    const gate = new RetryAfterGate(async (ms) => {
      pauses.push(ms);
      return true;
    });
    expect(gate.wait()).toBeUndefined();
    gate.hold(10_000);
    const a = gate.wait();
    const b = gate.wait();
    expect(a).toBe(b);
    expect(await a).toBe(true);
    expect(pauses).toHaveLength(1);
    expect(pauses[0]).toBeGreaterThan(9_000);
  });

  it('says when the user was stopped during the wait', async () => {
    const gate = new RetryAfterGate(async () => false);
    gate.hold(1000);
    expect(await gate.wait()).toBe(false);
  });
});
