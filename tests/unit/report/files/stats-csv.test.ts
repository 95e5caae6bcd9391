import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../../src/metrics/summary-types.js';
import { STATS_CSV_COLUMNS, statsCsv } from '../../../../src/report/files/stats-csv.js';

const http: RunSummary = JSON.parse(readFileSync(new URL('../../../fixtures/summaries/http-shop.json', import.meta.url), 'utf8'));

/** Good enough for our files: no field below contains a comma or a quote unless quoted whole. */
function parseCsv(text: string): string[][] {
  return text.trimEnd().split('\n').map((line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.filter((f, i, all) => i < all.length - 1 || f !== '').map((f) => {
    const v = f.replace(/,$/, '');
    return v.startsWith('"') ? v.slice(1, -1).replace(/""/g, '"') : v;
  }));
}

describe('stats.csv', () => {
  const rows = parseCsv(statsCsv(http));
  const header = rows[0]!;
  const byName = (name: string): Record<string, string> => Object.fromEntries(header.map((h, i) => [h, rows.find((r) => r[1] === name)![i]!]));

  it("has Locust's --csv stats columns, in order", () => {
    expect(header.join(',')).toBe(
      'Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%',
    );
    expect(header).toEqual([...STATS_CSV_COLUMNS]);
    expect(rows.every((r) => r.length === header.length)).toBe(true);
  });

  it('lists endpoints sorted by name, then the Aggregated row', () => {
    expect(rows.slice(1).map((r) => `${r[0]} ${r[1]}`)).toEqual(['GET /', 'GET /cart', 'POST /cart (add)', 'POST /checkout', 'GET /products/[id]', ' Aggregated']);
  });

  it('writes the summary figures', () => {
    const checkout = http.endpoints.find((e) => e.name === '/checkout')!;
    const row = byName('/checkout');
    expect(row['Request Count']).toBe(String(checkout.requests));
    expect(row['Failure Count']).toBe(String(checkout.failures));
    expect(Number(row['Median Response Time'])).toBe(checkout.latencyMs.p50);
    expect(Number(row['Max Response Time'])).toBe(checkout.latencyMs.max);
    expect(Number(row['Requests/s'])).toBe(checkout.rps);
    expect(Number(row['Average Content Size'])).toBeCloseTo(checkout.bytes / checkout.requests, 2);
    const total = byName('Aggregated');
    expect(total['Type']).toBe('');
    expect(Number(total['Request Count'])).toBe(http.total.requests);
  });

  it('takes every percentile from the histograms, ordered and capped at the max', () => {
    const checkout = http.endpoints.find((e) => e.name === '/checkout')!;
    const row = byName('/checkout');
    const pcts = ['50%', '66%', '75%', '80%', '90%', '95%', '98%', '99%', '99.9%', '99.99%', '100%'].map((h) => Number(row[h]));
    expect(pcts.every((v) => Number.isFinite(v))).toBe(true);
    expect([...pcts].sort((a, b) => a - b)).toEqual(pcts);
    expect(pcts[0]).toBe(checkout.latencyMs.p50);
    expect(pcts[7]).toBe(checkout.latencyMs.p99);
    expect(pcts[10]).toBe(checkout.latencyMs.max);
  });

  it('falls back to LatencyStats with N/A, as Locust writes, without histograms', () => {
    const bare = { ...http, histograms: { endpoints: [], trends: [] } };
    const [head, first] = parseCsv(statsCsv(bare));
    const cell = (h: string): string => first![head!.indexOf(h)]!;
    expect(['66%', '75%', '80%', '98%', '99.99%'].map(cell)).toEqual(['N/A', 'N/A', 'N/A', 'N/A', 'N/A']);
    expect(Number(cell('95%'))).toBe(http.endpoints.find((e) => e.name === '/')!.latencyMs.p95);
  });

  it('quotes names with commas and quotes (csv-stringify)', () => {
    const odd = structuredClone(http);
    odd.endpoints[0]!.name = '/search?q="a,b"';
    const text = statsCsv(odd);
    expect(text).toContain('"/search?q=""a,b"""');
    expect(parseCsv(text).some((r) => r[1] === '/search?q="a,b"')).toBe(true);
  });
});
