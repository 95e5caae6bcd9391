import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/metrics/summary-types.js';
import { compareSummaries } from '../../../src/report/compare.js';
import { formatComparison } from '../../../src/report/compare-format.js';

const load = (name: string): RunSummary => JSON.parse(readFileSync(new URL(`../../fixtures/summaries/${name}`, import.meta.url), 'utf8'));
const label = { label: 'a', scenario: 's', startTime: 't' };

/** Run B: the home page 30% slower at p95, 20% less throughput overall, one endpoint gone and one new. */
function slower(): RunSummary {
  const b = load('http-shop.json');
  const home = b.endpoints.find((e) => e.name === '/')!;
  home.latencyMs = { ...home.latencyMs, p95: home.latencyMs.p95 * 1.3 };
  b.total.rps *= 0.8;
  b.endpoints = b.endpoints.filter((e) => e.name !== '/checkout');
  b.endpoints.push({ ...home, name: '/search' });
  return b;
}

describe('compareSummaries', () => {
  it('finds no regressions between a run and itself', () => {
    const a = load('http-shop.json');
    const c = compareSummaries(a, a, 10);
    expect(c.regressions).toBe(0);
    expect(c.rows.filter((r) => r.a !== null).every((r) => r.changePct === 0)).toBe(true);
  });

  it('marks latency up and throughput down beyond the tolerance', () => {
    const c = compareSummaries(load('http-shop.json'), slower(), 10);
    const row = (scope: string, metric: string) => c.rows.find((r) => r.scope === scope && r.metric === metric)!;
    expect(row('GET /', 'p95')).toMatchObject({ better: 'lower', regression: true });
    expect(row('GET /', 'p95').changePct).toBeCloseTo(30, 6);
    expect(row('Aggregated', 'rps')).toMatchObject({ better: 'higher', regression: true });
    expect(row('Aggregated', 'rps').changePct).toBeCloseTo(-20, 6);
    expect(row('GET /', 'p50').regression).toBe(false);
    expect(c.regressions).toBe(2);
  });

  it('respects a wider tolerance', () => {
    expect(compareSummaries(load('http-shop.json'), slower(), 35).regressions).toBe(0);
  });

  it('shows endpoints of only one run without judging them', () => {
    const c = compareSummaries(load('http-shop.json'), slower(), 10);
    expect(c.rows.find((r) => r.scope === 'POST /checkout' && r.metric === 'p99')).toMatchObject({ b: null, changePct: null, regression: false });
    expect(c.rows.find((r) => r.scope === 'GET /search' && r.metric === 'p99')).toMatchObject({ a: null, changePct: null, regression: false });
  });

  it('counts failures appearing from none as a regression', () => {
    const a = load('http-shop.json');
    const b = structuredClone(a);
    a.endpoints.find((e) => e.name === '/')!.failures = 0;
    b.endpoints.find((e) => e.name === '/')!.failures = 3;
    const row = compareSummaries(a, b, 10).rows.find((r) => r.scope === 'GET /' && r.metric === 'failure rate')!;
    expect(row).toMatchObject({ a: 0, changePct: Infinity, regression: true });
  });

  it('compares the LLM figures', () => {
    const a = load('llm-sweep.json');
    const b = structuredClone(a);
    b.llm!.ttftMs.p99 *= 1.5;
    b.llm!.outputTokensPerSec *= 1.2;
    const c = compareSummaries(a, b, 10);
    const llm = c.rows.filter((r) => r.scope === 'LLM');
    expect(llm.map((r) => r.metric)).toEqual([
      'TTFT p50', 'TTFT p99', 'TPOT p50', 'TPOT p99', 'ITL p99', 'E2E p50', 'E2E p99', 'output speed p50',
      'output tokens/s', 'input tokens/s', 'requests/s', 'goodput', 'error rate',
    ]);
    expect(llm.find((r) => r.metric === 'TTFT p99')!.regression).toBe(true);
    expect(llm.find((r) => r.metric === 'output tokens/s')).toMatchObject({ regression: false });
    expect(c.regressions).toBe(1);
  });
});

describe('formatComparison', () => {
  it('prints a table with the change and the regressions marked', () => {
    const text = formatComparison(compareSummaries(load('http-shop.json'), slower(), 10), label, { ...label, label: 'b' });
    const lines = text.split('\n');
    expect(lines[0]).toBe('A: a  (s, t)');
    const p95 = lines.slice(lines.indexOf('GET /')).find((l) => l.startsWith('  p95'))!;
    expect(p95).toMatch(/^ {2}p95 +[\d.]+ ms +[\d.]+ ms +\+30% +✗ regression$/);
    expect(text).toContain('gone');
    expect(text).toContain('new');
    expect(lines.at(-2)).toBe('2 regressions beyond 10%');
  });
});

describe('comparisons that need care', () => {
  it('does not call a change on fewer than 30 samples a side a regression, and says why', () => {
    const a = load('http-shop.json');
    const b = load('http-shop.json');
    for (const s of [a, b]) {
      const home = s.endpoints.find((e) => e.name === '/')!;
      Object.assign(home, { requests: 10, latencyMs: { ...home.latencyMs, count: 10 } });
    }
    const home = b.endpoints.find((e) => e.name === '/')!;
    home.latencyMs = { ...home.latencyMs, p95: home.latencyMs.p95 * 2 };
    const c = compareSummaries(a, b, 10);
    const row = c.rows.find((r) => r.scope === 'GET /' && r.metric === 'p95')!;
    expect(row).toMatchObject({ regression: false, fewSamples: true, samples: { a: 10, b: 10 } });
    expect(row.changePct).toBeCloseTo(100, 6);
    expect(c.regressions).toBe(0);
    const text = formatComparison(c, label, label);
    expect(text).toMatch(/ {2}p95 .* \+100% +\? too few samples \(10 < 30\)/);
    expect(text).toMatch(/no regressions beyond 10%; 1 change on fewer than 30 samples a side not counted/);
  });

  it('warns when the runs differ in duration, users or stages, or one was interrupted', () => {
    const a = load('http-shop.json');
    const b = load('http-shop.json');
    Object.assign(b.meta, { durationMs: 20_000, users: 10, interrupted: true, stopReason: 'stopped by user' });
    const c = compareSummaries(a, b, 10);
    expect(c.warnings).toEqual([
      'the runs differ in duration: A 60s, B 20s (counts differ for that alone; rates and latencies are comparable with care)',
      'the runs differ in users: A 50, B 10',
      'run B was interrupted (stopped by user) after 20s: its figures cover only part of the plan',
    ]);
    expect(formatComparison(c, label, label)).toContain('warning: run B was interrupted');
    expect(compareSummaries(a, a, 10).warnings).toEqual([]);
    const sweep = load('llm-sweep.json');
    const shorter: RunSummary = { ...sweep, stages: sweep.stages!.slice(0, 2) };
    expect(compareSummaries(sweep, shorter, 10).warnings[0]).toMatch(/^the runs differ in stages: A concurrency 1, .*; B concurrency 1, concurrency 2$/);
  });

  it('shows – rather than "new" for a figure neither run has', () => {
    const a = load('http-shop.json');
    const idle = { ...a.endpoints[0]!, name: '/idle', requests: 0, failures: 0, latencyMs: { ...a.endpoints[0]!.latencyMs, count: 0 } };
    a.endpoints.push(idle);
    const c = compareSummaries(a, a, 10);
    const text = formatComparison(c, label, label);
    const p95 = text.split('\n').find((l, i, all) => l.startsWith('  p95') && all.slice(0, i).reverse().find((x) => !x.startsWith('  '))!.includes('/idle'))!;
    expect(p95).toMatch(/^ {2}p95 +– +– +–$/);
    expect(text).not.toContain('new');
  });
});
