import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LiveSnapshot } from '../../../src/metrics/live-snapshot.js';
import type { RunSummary } from '../../../src/metrics/summary-types.js';
import { evaluateThresholds, parseThresholds, thresholdsToAbort } from '../../../src/thresholds/index.js';

const fixture = (name: string): RunSummary => JSON.parse(readFileSync(new URL(`../../fixtures/summaries/${name}`, import.meta.url), 'utf8'));
const http = fixture('http-shop.json');
const llm = fixture('llm-sweep.json');
const evaluate = (exprs: string[], view: RunSummary | LiveSnapshot) => evaluateThresholds(parseThresholds(exprs, 'test'), view);

function live(over: Partial<LiveSnapshot> = {}): LiveSnapshot {
  return {
    scenario: http.meta.scenario, elapsedMs: 5000, users: 10, targetUsers: 50, workers: 4,
    endpoints: [], total: { ...http.total, requests: 0, failures: 0, rps: 0, latencyMs: { ...http.total.latencyMs, count: 0 } },
    currentRps: {}, interval: { rps: 0, failuresPerSec: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0 },
    errors: [], checks: [], health: [], ...over,
  };
}

describe('evaluateThresholds on a final summary', () => {
  it('gives each value in the unit of its expression', () => {
    const p95 = http.total.latencyMs.p95;
    const [ms, s, bare] = evaluate(['http.p95<500ms', 'http.p95<0.2s', 'http.p95<=400'], http);
    expect(ms).toEqual({ expression: 'http.p95<500ms', ok: true, value: p95, unit: 'ms' });
    expect(s).toEqual({ expression: 'http.p95<0.2s', ok: false, value: Math.round((p95 / 1000) * 1e6) / 1e6, unit: 's' });
    expect(bare).toMatchObject({ value: p95, unit: 'ms' });
  });

  it('reads rates as percent or fraction as written', () => {
    const rate = http.total.failures / http.total.requests;
    const [pct, fraction] = evaluate(['http.errors.rate<1%', 'http.errors.rate<0.005'], http);
    expect(pct!.value).toBeCloseTo(rate * 100, 5);
    expect(pct!.ok).toBe(true);
    expect(fraction!.value).toBeCloseTo(rate, 6);
    expect(fraction!.ok).toBe(false);
    expect([pct!.unit, fraction!.unit]).toEqual(['%', undefined]);
  });

  it('checks request counts, rps and checks', () => {
    const passes = http.checks.reduce((n, c) => n + c.passes, 0);
    const all = http.checks.reduce((n, c) => n + c.passes + c.fails, 0);
    const results = evaluate(['http.rps>50', 'http.requests>=5486', 'http.errors.count==44', 'checks.rate>99%', 'check["cart has the item"].rate>99%'], http);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, false]);
    expect(results[0]!.value).toBe(http.total.rps);
    expect(results[3]!.value).toBeCloseTo((passes / all) * 100, 4);
  });

  it('selects an endpoint by name alone or by method and name', () => {
    const checkout = http.endpoints.find((e) => e.name === '/checkout')!;
    const [byName, byMethod, wrongMethod] = evaluate(['endpoint["/checkout"].p99<1s', 'endpoint["POST /checkout"].rps>1', 'endpoint["GET /checkout"].p99<1s'], http);
    expect(byName!.value).toBeCloseTo(checkout.latencyMs.p99 / 1000, 6);
    expect(byName!.ok).toBe(false);
    expect(byMethod).toMatchObject({ ok: true, value: checkout.rps });
    expect(wrongMethod).toEqual({ expression: 'endpoint["GET /checkout"].p99<1s', ok: false, value: null, unit: 's' });
  });

  it('merges endpoints of one name under several methods exactly from the histograms', () => {
    const both = structuredClone(http);
    const cartAdd = both.endpoints.find((e) => e.name === '/cart (add)')!;
    const histogram = both.histograms.endpoints.find((h) => h.name === '/cart (add)')!;
    // Rename POST "/cart (add)" to POST "/cart": "/cart" now has GET and POST.
    cartAdd.name = '/cart';
    histogram.name = '/cart';
    const get = both.endpoints.find((e) => e.method === 'GET' && e.name === '/cart')!;
    const [max, requests] = evaluate(['endpoint["/cart"].max<10000', 'endpoint["/cart"].requests>0'], both);
    // A decoded histogram reports the top of the max's bucket: equal within HDR's 3 significant digits.
    const expected = Math.max(get.latencyMs.max, cartAdd.latencyMs.max);
    expect(Math.abs(max!.value! - expected) / expected).toBeLessThan(0.001);
    expect(requests!.value).toBe(get.requests + cartAdd.requests);
    // The median of the merged requests lies between the two medians; "the worst" would be the larger.
    const [p50] = evaluate(['endpoint["/cart"].p50<10000'], both);
    expect(p50!.value).toBeGreaterThan(get.latencyMs.p50);
    expect(p50!.value).toBeLessThan(cartAdd.latencyMs.p50);
  });

  it('reads the LLM figures', () => {
    const l = llm.llm!;
    const results = evaluate([
      'llm.ttft.p99<800ms', 'llm.tpot.p50<50ms', 'llm.e2e.p95<10s', 'llm.itl.p99<100ms', 'llm.output_tokens_per_s>500',
      'llm.input_tokens_per_s>100', 'llm.requests_per_s>1', 'llm.goodput>0.5', 'llm.errors.rate<2%', 'llm.output_speed.p50>30',
    ], llm);
    expect(results.map((r) => r.value)).toEqual([
      l.ttftMs.p99, l.tpotMs.p50, l.e2eMs.p95 / 1000, l.itlMs.p99, l.outputTokensPerSec,
      l.inputTokensPerSec, l.requestsPerSec, l.goodputPerSec, Math.round((l.failures / l.requests) * 100 * 1e6) / 1e6, l.outputSpeedTokPerS.p50,
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, false, false, false, true, true, true, true, true]);
  });

  it('reads custom trends', () => {
    const [r] = evaluate(['trend["llm.ttft"].p50<1s'], llm);
    expect(r!.value).toBe(llm.trends['llm.ttft']!.p50 / 1000);
  });

  it('fails a threshold that never got data: a misspelt name must not pass', () => {
    const results = evaluate(['endpoint["/nope"].p95<1s', 'check["nope"].rate>99%', 'llm.ttft.p99<1s', 'trend["nope"].p95<1s'], http);
    expect(results.every((r) => !r.ok && r.value === null)).toBe(true);
  });

  it('fails goodput without SLOs (null in the summary)', () => {
    const noSlo = structuredClone(llm);
    noSlo.llm!.goodputPerSec = null;
    expect(evaluate(['llm.goodput>1'], noSlo)).toEqual([{ expression: 'llm.goodput>1', ok: false, value: null }]);
  });

  it('marks abortOnFail in the results', () => {
    const [r] = evaluateThresholds(parseThresholds(['http.p95<1ms abort'], 'test'), http);
    expect(r).toEqual({ expression: 'http.p95<1ms', ok: false, value: http.total.latencyMs.p95, unit: 'ms', abortOnFail: true });
  });
});

describe('evaluateThresholds on a live snapshot', () => {
  it('passes with a null value while there is no data yet', () => {
    const results = evaluate(['http.p95<1ms', 'http.errors.rate<1%', 'llm.ttft.p99<1ms', 'checks.rate>99%', 'endpoint["/"].p95<1ms', 'trend["x"].p95<1ms'], live());
    expect(results.every((r) => r.ok && r.value === null)).toBe(true);
  });

  it('judges the figures so far', () => {
    const snapshot = live({ total: http.total, endpoints: http.endpoints, checks: http.checks });
    const results = evaluate(['http.p95<1ms', 'endpoint["/checkout"].p99<1s'], snapshot);
    expect(results.map((r) => r.ok)).toEqual([false, false]);
  });

  it('takes the worst of each statistic when one name covers several endpoints (no histograms live)', () => {
    const getCart = http.endpoints.find((e) => e.name === '/cart')!;
    const postCart = { ...getCart, method: 'POST', latencyMs: { ...getCart.latencyMs, p95: getCart.latencyMs.p95 * 3, count: 10 } };
    const [r] = evaluate(['endpoint["/cart"].p95<1s'], live({ endpoints: [getCart, postCart] }));
    expect(r!.value).toBe(postCart.latencyMs.p95 / 1000);
  });
});

describe('thresholdsToAbort', () => {
  it('returns failed abortOnFail thresholds once their delay has passed', () => {
    const thresholds = parseThresholds(['http.p95<1ms abort', { threshold: 'http.p99<1ms', abortOnFail: true, delayAbortEval: '30s' }, 'http.max<1ms'], 'test');
    const snapshot = live({ total: http.total });
    const results = evaluateThresholds(thresholds, snapshot);
    expect(thresholdsToAbort(thresholds, results, 10_000).map((t) => t.expression)).toEqual(['http.p95<1ms']);
    expect(thresholdsToAbort(thresholds, results, 30_000).map((t) => t.expression)).toEqual(['http.p95<1ms', 'http.p99<1ms']);
  });
});

describe('tasks.errors and tasks.errors.rate', () => {
  it('read task exceptions, apart from the requests, in the summary and live', () => {
    const summary = { ...http, tasks: [{ name: 'browse', runs: 40, errors: 0 }, { name: 'buy', runs: 10, errors: 2 }, { name: 'Shopper.onStart', runs: 0, errors: 1 }] };
    expect(evaluate(['tasks.errors<1', 'tasks.errors.rate<5%'], summary)).toEqual([
      { expression: 'tasks.errors<1', ok: false, value: 3 },
      { expression: 'tasks.errors.rate<5%', ok: false, value: 6, unit: '%' },
    ]);
    expect(evaluate(['tasks.errors<1'], live({ tasks: [{ name: 'buy', runs: 3, errors: 0 }] }))[0]).toMatchObject({ ok: true, value: 0 });
  });

  it('have no data before a task ran, and in summaries of earlier versions', () => {
    expect(evaluate(['tasks.errors.rate<1%'], live())[0]!.value).toBeNull();
    expect(evaluate(['tasks.errors<1'], { ...http, tasks: [{ name: 'browse', runs: 5 }] })[0]).toMatchObject({ ok: true, value: 0 });
  });
});
