import { stringify } from 'csv-stringify/sync';
import type { LlmSummary, RunSummary } from '../../metrics/summary-types.js';
import type { LatencyStats } from '../../metrics/histogram.js';

/** llm.csv's columns: who the row is (the totals, a request name, a user class), counts, rates, then latency statistics in ms. */
export const LLM_CSV_COLUMNS = [
  'Group', 'Name', 'Requests', 'Failures', 'Input Tokens', 'Output Tokens', 'Reasoning Tokens',
  'Requests/s', 'Input Tokens/s', 'Output Tokens/s', 'Goodput/s',
  'TTFT Count', 'TTFT p50', 'TTFT p90', 'TTFT p99', 'TTFCT p50', 'TPOT p50', 'TPOT p90', 'TPOT p99',
  'ITL p50', 'ITL p99', 'E2E Count', 'E2E p50', 'E2E p90', 'E2E p99', 'E2E Max', 'Output Speed p50 (tok/s)',
] as const;

/**
 * llm.csv: the run's LLM figures per request name and per user class, after a
 * `total` row (docs/reports.md). Undefined for a run without LLM requests, or a
 * summary written before the figures were kept per name: no file then.
 */
export function llmCsv(summary: RunSummary): string | undefined {
  const l = summary.llm;
  if (!l?.byName) return undefined;
  const rows = [row('total', '', l)];
  for (const [key, g] of Object.entries(l.byName)) rows.push(row('name', key, g));
  for (const [key, g] of Object.entries(l.byClass ?? {})) rows.push(row('class', key, g));
  return stringify([[...LLM_CSV_COLUMNS], ...rows]);
}

/** An empty statistic is an empty cell, not 0 (an embedding has no TTFT). */
const cell = (s: LatencyStats, v: number): number | string => (s.count > 0 ? v : '');
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

function row(group: string, name: string, g: LlmSummary): Array<string | number> {
  return [
    group, name, g.requests, g.failures, g.inputTokens, g.outputTokens, g.reasoningTokens,
    r3(g.requestsPerSec), r3(g.inputTokensPerSec), r3(g.outputTokensPerSec), g.goodputPerSec === null ? '' : r3(g.goodputPerSec),
    g.ttftMs.count, cell(g.ttftMs, g.ttftMs.p50), cell(g.ttftMs, g.ttftMs.p90), cell(g.ttftMs, g.ttftMs.p99), cell(g.ttfctMs, g.ttfctMs.p50),
    cell(g.tpotMs, g.tpotMs.p50), cell(g.tpotMs, g.tpotMs.p90), cell(g.tpotMs, g.tpotMs.p99),
    cell(g.itlMs, g.itlMs.p50), cell(g.itlMs, g.itlMs.p99),
    g.e2eMs.count, cell(g.e2eMs, g.e2eMs.p50), cell(g.e2eMs, g.e2eMs.p90), cell(g.e2eMs, g.e2eMs.p99), cell(g.e2eMs, g.e2eMs.max),
    cell(g.outputSpeedTokPerS, g.outputSpeedTokPerS.p50),
  ];
}
