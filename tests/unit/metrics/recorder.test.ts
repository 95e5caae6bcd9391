import { describe, expect, it } from 'vitest';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';

describe('MetricsRecorder', () => {
  it('keeps an endpoint per method and name, in first-seen order, and starts over after each delta', () => {
    const r = new MetricsRecorder();
    r.recordRequest({ method: 'GET', name: '/a', durationMs: 5, bytes: 10 });
    r.recordRequest({ method: 'POST', name: '/a', durationMs: 7, bytes: 1, error: 'HTTP 500' });
    r.recordRequest({ method: 'GET', name: '/b', durationMs: 1, bytes: 0, aborted: true });
    r.recordRequest({ method: 'GET', name: '/a', durationMs: 6, bytes: 10 });
    const d = r.takeDelta();
    expect(d.endpoints.map((e) => [e.method, e.name, e.requests, e.failures, e.aborted, e.bytes])).toEqual([
      ['GET', '/a', 2, 0, 0, 20],
      ['POST', '/a', 1, 1, 0, 1],
      ['GET', '/b', 0, 0, 1, 0],
    ]);
    expect(d.errors).toEqual([{ method: 'POST', name: '/a', message: 'HTTP 500', count: 1 }]);
    r.recordRequest({ method: 'POST', name: '/a', durationMs: 3, bytes: 0 });
    expect(r.takeDelta().endpoints.map((e) => [e.method, e.name, e.requests])).toEqual([['POST', '/a', 1]]);
  });
});
