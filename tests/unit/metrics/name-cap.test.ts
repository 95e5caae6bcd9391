import { describe, expect, it } from 'vitest';
import { MetricsAggregate } from '../../../src/metrics/aggregate.js';
import { OTHER_CHECKS, OTHER_COUNTERS, OTHER_NAMES, OTHER_TRENDS } from '../../../src/metrics/name-cap.js';
import { NameWatch } from '../../../src/metrics/name-watch.js';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';

const rowsOf = (agg: MetricsAggregate) => [...agg.endpoints.values()].map((e) => `${e.method} ${e.name} ${e.requests}`);

describe('the cap on distinct names', () => {
  it('folds request names past maxNames into one row per method, every request counted once', () => {
    const rec = new MetricsRecorder(3);
    for (let i = 0; i < 10; i++) rec.recordRequest({ method: i % 2 ? 'POST' : 'GET', name: `/items/${i}`, durationMs: 1 + i, bytes: 1 });
    rec.recordRequest({ method: 'GET', name: '/items/0', durationMs: 1, bytes: 1 });
    const agg = new MetricsAggregate(3);
    agg.addDelta(rec.takeDelta());
    expect(rowsOf(agg)).toEqual(['GET /items/0 2', 'POST /items/1 1', 'GET /items/2 1', 'POST (other names) 4', 'GET (other names) 3']);
    expect(agg.total().requests).toBe(11);
    expect(agg.total().latency.stats().max).toBe(10);
  });

  it('holds on the main side too: workers that each stayed under the cap together do not pass it', () => {
    const agg = new MetricsAggregate(4);
    for (let w = 0; w < 3; w++) {
      const rec = new MetricsRecorder(4);
      for (let i = 0; i < 4; i++) rec.recordRequest({ method: 'GET', name: `/w${w}/${i}`, durationMs: 2, bytes: 0, error: 'boom' });
      agg.addDelta(rec.takeDelta());
    }
    expect(agg.endpoints.size).toBe(5);
    expect(agg.endpoint('GET', OTHER_NAMES).requests).toBe(8);
    expect(agg.total().requests).toBe(12);
    // Errors of folded requests count under the folded row.
    expect(agg.errors.get(`GET ${OTHER_NAMES}\nboom`)?.count).toBe(8);
    const totals = new MetricsAggregate(4);
    totals.addAggregate(agg);
    expect(totals.endpoints.size).toBe(5);
  });

  it('bounds checks, trends and counters alike, and keeps the engine names', () => {
    const rec = new MetricsRecorder(2);
    for (let i = 0; i < 5; i++) {
      rec.recordCheck(`check ${i}`, true);
      rec.recordTrend(`trend ${i}`, 3);
      rec.add(`counter ${i}`, 2);
    }
    rec.add('llm.requests', 1);
    rec.recordTrend('llm.ttft', 5);
    const d = rec.takeDelta();
    expect(d.checks).toEqual({ 'check 0': [1, 0], 'check 1': [1, 0], [OTHER_CHECKS]: [3, 0] });
    expect(d.counters).toEqual({ 'counter 0': 2, 'counter 1': 2, [OTHER_COUNTERS]: 6, 'llm.requests': 1 });
    expect(d.trends.map((t) => t.name)).toEqual(['trend 0', 'trend 1', OTHER_TRENDS, 'llm.ttft']);
    const agg = new MetricsAggregate(1);
    agg.addDelta(d);
    expect(Object.keys(agg.checks)).toEqual(['check 0', OTHER_CHECKS]);
    expect(agg.checks[OTHER_CHECKS]).toEqual([4, 0]);
    expect([...agg.trends.keys()]).toEqual(['trend 0', OTHER_TRENDS, 'llm.ttft']);
    expect(agg.counters['llm.requests']).toBe(1);
  });

  it('sends only the names of the interval, and gives idle full histograms back', () => {
    const rec = new MetricsRecorder();
    for (let i = 0; i < 2000; i++) rec.recordRequest({ method: 'GET', name: '/busy', durationMs: i / 10, bytes: 0 });
    rec.recordRequest({ method: 'GET', name: '/once', durationMs: 1, bytes: 0 });
    expect(rec.takeDelta().endpoints.map((e) => [e.name, e.buckets ? 'sparse' : 'encoded'])).toEqual([['/busy', 'encoded'], ['/once', 'sparse']]);
    expect(rec.fullHistograms()).toBe(1);
    rec.recordRequest({ method: 'GET', name: '/once', durationMs: 1, bytes: 0 });
    expect(rec.takeDelta().endpoints.map((e) => e.name)).toEqual(['/once']);
    // /busy sat idle for an interval: its 95 KB histogram is gone.
    expect(rec.fullHistograms()).toBe(0);
  });
});

describe('NameWatch', () => {
  it('warns once names grow like ids, with examples, the pattern and the fix', () => {
    const agg = new MetricsAggregate(50);
    const watch = new NameWatch();
    for (let i = 0; i < 5; i++) agg.endpoint('GET', `/items/${i}`).requests++;
    agg.endpoint('GET', '/health').requests++;
    expect(watch.update(agg).warning).toBeUndefined();
    for (let i = 5; i < 60; i++) agg.endpoint('GET', `/items/${i}`).requests++;
    const names = watch.update(agg);
    expect(names).toMatchObject({ distinct: 50, maxNames: 50, foldedRequests: 11 });
    expect(names.warning!.examples).toEqual(['GET /items/0', 'GET /items/1', 'GET /items/2']);
    expect(names.warning!.patterns).toEqual(['/items/[id]']);
    expect(names.warning!.message).toContain("{ name: '/items/[id]' }");
    expect(names.warning!.message).toContain('(other names)');
  });

  it('does not warn for a handful of named endpoints', () => {
    const agg = new MetricsAggregate();
    for (const n of ['/items', '/items/[id]', '/cart', '/checkout', '/login']) agg.endpoint('GET', n).requests += 100;
    expect(new NameWatch().update(agg).warning).toBeUndefined();
  });
});

it("a worker's folded row takes no place under the run's cap", () => {
  const agg = new MetricsAggregate(2);
  agg.endpoint('GET', '(other names)');
  expect(agg.endpoint('GET', '/a').name).toBe('/a');
  expect(agg.endpoint('GET', '/b').name).toBe('/b');
  expect(agg.endpoint('GET', '/c').name).toBe('(other names)');
});
