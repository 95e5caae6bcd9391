import { describe, expect, it } from 'vitest';
import { BACKOFF_BASE_MS, BACKOFF_MAX_MS, backoffDelayMs, ErrorBackoff, isConnectError } from '../../../src/clients/backoff.js';
import { seededRandom } from '../../../src/util/random.js';

describe('backoffDelayMs', () => {
  it('doubles from the base with each failure in a row, between half and all of the step', () => {
    expect(backoffDelayMs(1, 0)).toBe(BACKOFF_BASE_MS / 2);
    expect(backoffDelayMs(1, 0.999999)).toBeCloseTo(BACKOFF_BASE_MS, 0);
    expect(backoffDelayMs(2, 0)).toBe(BACKOFF_BASE_MS);
    expect(backoffDelayMs(3, 0)).toBe(BACKOFF_BASE_MS * 2);
  });

  it('is capped, also after thousands of failures', () => {
    for (const streak of [6, 10, 100, 10_000]) {
      expect(backoffDelayMs(streak, 0.999999)).toBeLessThanOrEqual(BACKOFF_MAX_MS);
      expect(backoffDelayMs(streak, 0)).toBe(BACKOFF_MAX_MS / 2);
    }
  });
});

describe('ErrorBackoff', () => {
  it('has nothing pending until a failure, and nothing after a success', async () => {
    const b = new ErrorBackoff(seededRandom(1));
    expect(b.pendingMs()).toBe(0);
    await b.ready();
    expect(b.waits).toBe(0);
    b.failed();
    expect(b.pendingMs()).toBeGreaterThan(0);
    b.succeeded();
    expect(b.pendingMs()).toBe(0);
  });

  it('a stop interrupts a wait at once', async () => {
    const b = new ErrorBackoff(() => 0.5);
    for (let i = 0; i < 20; i++) b.failed();
    const waiting = b.ready();
    b.interrupt();
    await waiting;
    expect(b.waits).toBe(1);
    expect(b.pendingMs()).toBe(0);
  });
});

describe('isConnectError', () => {
  it("knows a refused or unresolvable connection from other failures", () => {
    expect(isConnectError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isConnectError(Object.assign(new Error('x'), { cause: { code: 'ENOTFOUND' } }))).toBe(true);
    expect(isConnectError({ message: 'connect EHOSTUNREACH 10.0.0.1:80' })).toBe(true);
    expect(isConnectError(Object.assign(new Error('other side closed'), { code: 'ECONNRESET' }))).toBe(false);
    expect(isConnectError(new Error('timeout after 100 ms'))).toBe(false);
    expect(isConnectError(undefined)).toBe(false);
  });
});
