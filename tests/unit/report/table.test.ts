import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EndpointSummary, RunSummary } from '../../../src/metrics/summary-types.js';
import { formatSummaryTable, MAX_TABLE_ROWS } from '../../../src/report/table.js';

const load = (name: string): RunSummary => JSON.parse(readFileSync(new URL(`../../fixtures/summaries/${name}`, import.meta.url), 'utf8'));
const http = load('http-shop.json');
const sweep = load('llm-sweep.json');
const section = (text: string, title: string): string[] => {
  const lines = text.split('\n');
  const start = lines.indexOf(title);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end < 0 ? undefined : end);
};

describe('the final table', () => {
  it.each([
    ['http', http],
    ['llm sweep', sweep],
  ])('fits 80 columns (%s), and says which columns it left out', (_name, s) => {
    const text = formatSummaryTable(s);
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(text).toMatch(/\(p99\.9, Min.*: left out to fit 80 columns/);
    // A wide terminal gets them all.
    expect(formatSummaryTable(s, { width: 200 })).toMatch(/Min\s+Mean\s+p50\s+p90\s+p95\s+p99\s+p99\.9\s+Max/);
  });

  it('aligns the Errors columns: type, name and message start where their headers do', () => {
    const [header, ...rows] = section(formatSummaryTable(http), 'Errors');
    for (const col of ['Type', 'Name', 'Message']) {
      const at = header!.indexOf(col);
      for (const row of rows) expect(row[at - 1], `${col} in "${row}"`).toBe(' ');
      for (const row of rows) expect(row[at], `${col} in "${row}"`).not.toBe(' ');
    }
  });

  it('prints output speed in tok/s as a number, never as seconds', () => {
    const fast: RunSummary = structuredClone(sweep);
    fast.llm!.outputSpeedTokPerS = { ...fast.llm!.outputSpeedTokPerS, p50: 265_290, max: 1_200_000 };
    const row = formatSummaryTable(fast).split('\n').find((l) => l.startsWith('Output speed'))!;
    expect(row).toContain('265,290');
    expect(row).not.toMatch(/\d+s\b/);
  });

  it('shows a sweep by its concurrency levels and each stage with its number and traffic', () => {
    const s: RunSummary = structuredClone(sweep);
    s.meta.options = { concurrency: [1, 2, 4], traffic: ['D(20,10)'] };
    s.meta.users = 1;
    s.stages = s.stages!.slice(0, 3).map((st, i) => ({ ...st, name: `c=${[1, 2, 4][i]} D(20,10)`, concurrency: [1, 2, 4][i], traffic: 'D(20,10)' }));
    const text = formatSummaryTable(s);
    expect(text).toMatch(/concurrency 1→4 on 2 workers/);
    expect(text).not.toMatch(/\b1 users/);
    const [header, ...rows] = section(text, 'Sweep');
    expect(header).toMatch(/^Stage\s+Traffic\s+Conc\./);
    expect(rows[1]).toMatch(/^2\/3\s+D\(20,10\)\s+2\s/);
  });

  it('ends with how the run ended: stop reason and exit code', () => {
    const text = formatSummaryTable(http);
    expect(text.trimEnd().split('\n').at(-1)).toBe('Ended: duration reached · exit code 99 (thresholds crossed)');
  });

  it('after an interrupted sweep: a banner first, the stop, exit code 130 and the stages that never ran', () => {
    const s: RunSummary = structuredClone(sweep);
    s.meta.options = { concurrency: [1, 2, 4] };
    s.stages = [{ ...s.stages![0]!, name: 'c=1', concurrency: 1 }];
    Object.assign(s.meta, { interrupted: true, stopReason: 'stopped by user', exitCode: 130, durationMs: 6200 });
    const text = formatSummaryTable(s);
    expect(text.split('\n')[0]).toBe('INTERRUPTED (stopped by user): the figures cover the 6.2 s before the stop');
    expect(text).toContain('Interrupted: stopped by user · exit code 130\n');
    expect(text).toContain('2 of 3 stages never ran: c=2, c=4');
  });
});

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
