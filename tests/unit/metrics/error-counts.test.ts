import { describe, expect, it } from 'vitest';
import { MetricsAggregate } from '../../../src/metrics/aggregate.js';
import { MAX_ERROR_KINDS, OTHER_ERRORS } from '../../../src/metrics/error-counts.js';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';

describe('error counts stay bounded', () => {
  it('folds new messages past the bound into one entry per request, in the run totals as in each interval', () => {
    const agg = new MetricsAggregate();
    // Ten intervals of 100 distinct messages each: every interval is under the bound, their sum is not.
    for (let interval = 0; interval < 10; interval++) {
      const rec = new MetricsRecorder();
      for (let i = 0; i < 100; i++) rec.recordRequest({ method: 'GET', name: '/item', durationMs: 1, bytes: 0, error: `HTTP 404 for id ${interval * 100 + i}` });
      agg.addDelta(rec.takeDelta());
    }
    expect(agg.errors.size).toBe(MAX_ERROR_KINDS + 1);
    const other = [...agg.errors.values()].find((e) => e.message === OTHER_ERRORS)!;
    expect(other).toMatchObject({ method: 'GET', name: '/item', count: 1000 - MAX_ERROR_KINDS });
    expect([...agg.errors.values()].reduce((a, e) => a + e.count, 0)).toBe(1000);
  });

  it('keeps counting a message it already has, past the bound', () => {
    const agg = new MetricsAggregate();
    const rec = new MetricsRecorder();
    for (let i = 0; i < MAX_ERROR_KINDS; i++) rec.recordError('GET', '/', `m${i}`);
    agg.addDelta(rec.takeDelta());
    const again = new MetricsRecorder();
    again.recordError('GET', '/', 'm7');
    agg.addDelta(again.takeDelta());
    expect(agg.errors.get('GET /\nm7')!.count).toBe(2);
    expect(agg.errors.size).toBe(MAX_ERROR_KINDS);
  });
});
