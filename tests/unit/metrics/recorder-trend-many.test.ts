import { describe, expect, it } from 'vitest';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';
import { decodeHistogram, HIGHEST_TRACKABLE_US } from '../../../src/metrics/histogram.js';
import { seededRandom } from '../../../src/util/random.js';

describe('MetricsRecorder.recordTrendMany', () => {
  it('makes exactly the histogram that recordTrend makes value by value', () => {
    const random = seededRandom(7);
    const values: number[] = [0, 0.0004, 0.001, 1, 2.047, 2.048, 2.049, 1e-9, 59_999.9995, HIGHEST_TRACKABLE_US / 1000, HIGHEST_TRACKABLE_US, 1e12];
    for (let i = 0; i < 5000; i++) values.push(random() ** 4 * 10 ** Math.floor(random() * 8));
    const one = new MetricsRecorder();
    const many = new MetricsRecorder();
    for (const v of values) one.recordTrend('llm.itl', v);
    many.recordTrendMany('llm.itl', values.slice(0, 100));
    many.recordTrendMany('llm.itl', Float64Array.from(values.slice(100)));
    many.recordTrendMany('llm.itl', []);
    const encodedOne = one.takeDelta().trends[0]!.histogram;
    const encodedMany = many.takeDelta().trends[0]!.histogram;
    expect(encodedMany).toBe(encodedOne);
    const a = decodeHistogram(encodedOne);
    const b = decodeHistogram(encodedMany);
    expect(b.totalCount).toBe(values.length);
    expect([b.minNonZeroValue, b.maxValue, b.mean]).toEqual([a.minNonZeroValue, a.maxValue, a.mean]);
    for (const p of [1, 10, 50, 90, 99, 99.9, 99.99, 100]) expect(b.getValueAtPercentile(p)).toBe(a.getValueAtPercentile(p));
  });

  it('records nothing and creates no trend for an empty list', () => {
    const r = new MetricsRecorder();
    r.recordTrendMany('llm.itl', []);
    expect(r.takeDelta().trends).toEqual([]);
  });
});
