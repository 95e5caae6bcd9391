import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../../src/metrics/summary-types.js';
import { historyCsv } from '../../../../src/report/files/history-csv.js';

const load = (name: string): RunSummary => JSON.parse(readFileSync(new URL(`../../../fixtures/summaries/${name}`, import.meta.url), 'utf8'));
const lines = (text: string): string[][] => text.trimEnd().split('\n').map((l) => l.split(','));

describe('history.csv', () => {
  it('has one row per second with Locust-like columns', () => {
    const http = load('http-shop.json');
    const rows = lines(historyCsv(http));
    expect(rows[0]).toEqual(['Timestamp', 'Elapsed (s)', 'User Count', 'Type', 'Name', 'Requests/s', 'Failures/s', '50%', '95%', '99%']);
    expect(rows).toHaveLength(http.history.length + 1);
    const h = http.history[9]!;
    expect(rows[10]).toEqual([h.timestamp, String(h.t), String(h.users), '', 'Aggregated', String(h.rps), String(h.failuresPerSec), String(h.p50Ms), String(h.p95Ms), String(h.p99Ms)]);
  });

  it('adds the stage and LLM columns when the run has them', () => {
    const llm = load('llm-sweep.json');
    const rows = lines(historyCsv(llm));
    expect(rows[0]!.slice(10)).toEqual(['Stage', 'TTFT 50%', 'TTFT 99%', 'Output Tokens/s']);
    const last = llm.history[llm.history.length - 1]!;
    expect(rows[rows.length - 1]!.slice(10)).toEqual([last.stage, String(last.ttftP50Ms), String(last.ttftP99Ms), String(last.outputTokensPerSec)]);
  });

  it('leaves a cell empty for a second without the figure', () => {
    const llm = load('llm-sweep.json');
    delete llm.history[0]!.ttftP50Ms;
    const rows = lines(historyCsv(llm));
    expect(rows[1]![11]).toBe('');
  });
});
