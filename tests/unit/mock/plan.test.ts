import { describe, expect, it } from 'vitest';
import { resolveMockOptions } from '../../../src/mock/options.js';
import { injectedFailure, planResponse, readHeaderOverrides, requestRandom } from '../../../src/mock/plan.js';

describe('x-mock-* header overrides', () => {
  it('reads every override', () => {
    expect(
      readHeaderOverrides({
        'x-mock-ttft-ms': '5',
        'x-mock-itl-ms': '0.5',
        'x-mock-error': '429',
        'x-mock-stream-error': '1',
        'x-mock-break-after': '0',
        'x-mock-stall-ms': '100',
        'x-mock-tokens-per-chunk': '4',
      }),
    ).toEqual({ ttftMs: 5, itlMs: 0.5, errorStatus: 429, streamError: true, breakAfterTokens: 0, stallMs: 100, tokensPerChunk: 4 });
  });

  it('names every bad header at once', () => {
    const problems = readHeaderOverrides({ 'x-mock-ttft-ms': 'soon', 'x-mock-error': '200', 'x-mock-tokens-per-chunk': '0' });
    expect(problems).toContain('x-mock-ttft-ms: expected a number >= 0, got "soon"');
    expect(problems).toContain('x-mock-error');
    expect(problems).toContain('x-mock-tokens-per-chunk');
  });
});

describe('planResponse', () => {
  it('is the same for the same seed and request number', () => {
    const options = resolveMockOptions({ errorRate: 0.5, breakRate: 0.5, stallRate: 0.5, seed: 7 });
    const outcome = (sequence: number) => {
      const random = requestRandom(options, sequence);
      const failed = injectedFailure(options, {}, random);
      const { startWord, breakAfterTokens, stall } = planResponse(options, {}, random, 10);
      return { failed, startWord, breakAfterTokens, stall };
    };
    const first = Array.from({ length: 20 }, (_, i) => outcome(i + 1));
    expect(Array.from({ length: 20 }, (_, i) => outcome(i + 1))).toEqual(first);
    // Rates of one half hit some requests and spare others.
    expect(first.some((o) => o.failed === 500)).toBe(true);
    expect(first.some((o) => o.failed === undefined)).toBe(true);
  });

  it('defaults the non-stream latency to ttft + itl*(n-1) and caps reasoning at the output', () => {
    const options = resolveMockOptions({ ttftMs: 100, itlMs: 10, reasoningTokens: 50 });
    const plan = planResponse(options, {}, requestRandom(options, 1), 8);
    expect(plan.latencyMs).toBe(170);
    expect(plan.reasoningTokens).toBe(8);
  });

  it('rejects bad programmatic options, naming each', () => {
    expect(() => resolveMockOptions({ ttftMs: -1, errorRate: 2 })).toThrow(/ttftMs.*errorRate/);
  });
});
