import { describe, expect, it } from 'vitest';
import { errorRateExceeded, MIN_REQUESTS_FOR_ERROR_RATE } from '../../../src/engine/error-rate.js';

describe('--max-error-rate', () => {
  it('stops once the failed share exceeds the limit, naming both as percentages', () => {
    expect(errorRateExceeded({ requests: 120, failures: 58 }, 0.25)).toBe('error rate 48.3% exceeded --max-error-rate 25%');
    expect(errorRateExceeded({ requests: 1000, failures: 1 }, 0)).toBe('error rate 0.1% exceeded --max-error-rate 0%');
  });

  it('does not stop at the limit itself, below it, or without a limit', () => {
    expect(errorRateExceeded({ requests: 100, failures: 50 }, 0.5)).toBeUndefined();
    expect(errorRateExceeded({ requests: 100, failures: 10 }, 0.5)).toBeUndefined();
    expect(errorRateExceeded({ requests: 100, failures: 100 }, undefined)).toBeUndefined();
  });

  it(`judges nothing before ${MIN_REQUESTS_FOR_ERROR_RATE} requests completed`, () => {
    expect(MIN_REQUESTS_FOR_ERROR_RATE).toBe(20);
    expect(errorRateExceeded({ requests: 19, failures: 19 }, 0)).toBeUndefined();
    expect(errorRateExceeded({ requests: 20, failures: 20 }, 0.99)).toBe('error rate 100% exceeded --max-error-rate 99%');
  });
});
