import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EndpointSummary, RunSummary } from '../../../src/metrics/summary-types.js';
import { formatSummaryTable, MAX_TABLE_ROWS } from '../../../src/report/table.js';

const http: RunSummary = JSON.parse(readFileSync(new URL('../../fixtures/summaries/http-shop.json', import.meta.url), 'utf8'));

describe('formatSummaryTable with thousands of names', () => {
  const base = http.endpoints[0]!;
  const row = (name: string, requests: number): EndpointSummary => ({ ...base, method: 'GET', name, requests });
  const endpoints = [...Array.from({ length: 300 }, (_, i) => row(`/items/${i}`, i + 1)), row('(other names)', 5)];
  const checks = Array.from({ length: 300 }, (_, i) => ({ name: `item ${i} ok`, passes: i, fails: i === 7 ? 1 : 0 }));
  const text = formatSummaryTable({ ...http, endpoints, checks, errors: [] });

  it('prints the busiest rows and the folded one, and says where the rest are', () => {
    const lines = text.split('\n');
    const rows = lines.filter((l) => l.startsWith('GET '));
    expect(rows).toHaveLength(MAX_TABLE_ROWS);
    expect(rows.some((l) => l.includes('(other names)'))).toBe(true);
    expect(rows.some((l) => l.includes('/items/299 '))).toBe(true);
    expect(rows.some((l) => l.includes('/items/0 '))).toBe(false);
    expect(text).toContain(`… the busiest ${MAX_TABLE_ROWS} of 301 rows; all of them are in stats.csv and summary.json`);
  });

  it('keeps failing checks among the checks it prints', () => {
    expect(text).toContain('item 7 ok');
    expect(text.split('\n').filter((l) => /^item \d+ ok/.test(l))).toHaveLength(MAX_TABLE_ROWS);
    expect(text).toContain(`… ${MAX_TABLE_ROWS} of 300 checks`);
  });

  it('prints every row of a small run', () => {
    const small = formatSummaryTable(http);
    for (const e of http.endpoints) expect(small).toContain(e.name);
    expect(small).not.toContain('the busiest');
  });
});
