import { describe, expect, it } from 'vitest';
import { thresholdsSchema } from '../../../src/thresholds/index.js';

describe('thresholdsSchema', () => {
  it('accepts expressions and the object form', () => {
    const input = ['http.p95<300ms', { threshold: 'http.errors.rate<1%', abortOnFail: true, delayAbortEval: '10s' }];
    expect(thresholdsSchema.parse(input)).toEqual(input);
  });

  it('reports bad expressions and unknown keys with their path', () => {
    const r = thresholdsSchema.safeParse(['http.p95<300ms', 'http.p95<3xx', { threshold: 'http.p95<1s', abort: true }, 42]);
    expect(r.success).toBe(false);
    const issues = r.error!.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues.map(([path]) => path)).toEqual(expect.arrayContaining(['2', '3']));
    // Expressions are checked once the shape is right, so fix-the-shape errors come first.
    const again = thresholdsSchema.safeParse(['http.p95<300ms', 'http.p95<3xx']);
    expect(again.error!.issues).toEqual([
      expect.objectContaining({ path: [1], message: 'thresholds[1] "http.p95<3xx": unknown unit "xx" in "3xx"; expected ms, s, m or %' }),
    ]);
  });
});
