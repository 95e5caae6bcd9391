import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../../src/metrics/summary-types.js';
import { FAILURES_CSV_COLUMNS, failuresCsv } from '../../../../src/report/files/failures-csv.js';

const http: RunSummary = JSON.parse(readFileSync(new URL('../../../fixtures/summaries/http-shop.json', import.meta.url), 'utf8'));

describe('failures.csv', () => {
  it("has Locust's failures columns and one row per distinct failure, most frequent first", () => {
    const rows: string[][] = parse(failuresCsv(http));
    expect(rows[0]).toEqual([...FAILURES_CSV_COLUMNS]);
    expect(rows.slice(1)).toEqual([
      ['POST', '/checkout', 'HTTP 503 Service Unavailable', '29'],
      ['POST', '/cart (add)', 'ECONNRESET: socket hang up', '10'],
      ['GET', '/products/[id]', 'HTTP 404 Not Found', '5'],
    ]);
  });

  it('quotes messages with commas, quotes and line breaks so the columns hold', () => {
    const summary = { ...http, errors: [{ method: 'TASK', name: 'Shopper.buy', message: 'Error: bad "cart", see\nlog', count: 2 }] };
    const rows: string[][] = parse(failuresCsv(summary));
    expect(rows[1]).toEqual(['TASK', 'Shopper.buy', 'Error: bad "cart", see\nlog', '2']);
    const located = { ...http, errors: [{ method: 'TASK', name: 'Shopper.buy', message: 'boom', count: 1, location: 'scenarios/shop.ts:14' }] };
    expect(parse(failuresCsv(located))[1]).toEqual(['TASK', 'Shopper.buy', 'boom (at scenarios/shop.ts:14)', '1']);
  });

  it('is the header alone when nothing failed', () => {
    expect(failuresCsv({ ...http, errors: [] })).toBe('Method,Name,Error,Occurrences\n');
  });
});
