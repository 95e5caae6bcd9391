import type { LlmSummary } from '../metrics/summary-types.js';
import { cut, fitTable, type TextColumn } from './fit-table.js';
import { formatMsCompact, formatRate } from './format-number.js';

/** One row of the per-name or per-class LLM tables. */
export interface LlmGroupRow {
  key: string;
  llm: LlmSummary;
}

/** Rows printed at most per table; summary.json has them all. */
export const MAX_LLM_GROUP_ROWS = 20;

/**
 * The request names (or user classes) worth a table of their own: several of
 * them, or one whose figures are not the totals' (an embeddings-only run,
 * whose E2E the totals leave out). Busiest first.
 */
export function llmGroupRows(llm: LlmSummary, by: 'byName' | 'byClass'): LlmGroupRow[] {
  const groups = llm[by];
  if (!groups) return [];
  const rows = Object.entries(groups).map(([key, g]) => ({ key, llm: g }));
  if (rows.length === 1 && rows[0]!.llm.e2eMs.count === llm.e2eMs.count) return [];
  return rows.sort((a, b) => b.llm.requests - a.llm.requests || a.key.localeCompare(b.key));
}

const r = (header: string, dropOrder?: number): TextColumn => ({ header, align: 'right', dropOrder });
const COLUMNS = (first: string): TextColumn[] => [
  { header: first, align: 'left', shrink: true },
  r('Requests'),
  r('Failed'),
  r('TTFT p50', 4),
  r('TTFT p99'),
  r('TPOT p50', 3),
  r('E2E p50', 2),
  r('E2E p99'),
  r('in tok', 5),
  r('out tok/s', 1),
];

const ms = (s: { count: number }, v: number): string => (s.count > 0 ? formatMsCompact(v) : '-');

/** The cells of one name's or class's row (times in ms), as the end-of-run table and report.html show them. */
export function llmGroupCells(g: LlmSummary): string[] {
  return [
    String(g.requests),
    String(g.failures),
    ms(g.ttftMs, g.ttftMs.p50),
    ms(g.ttftMs, g.ttftMs.p99),
    ms(g.tpotMs, g.tpotMs.p50),
    ms(g.e2eMs, g.e2eMs.p50),
    ms(g.e2eMs, g.e2eMs.p99),
    String(g.inputTokens),
    formatRate(g.outputTokensPerSec),
  ];
}

/** The end-of-run tables of LLM figures per request name and per user class, when there is more than the totals to show. */
export function llmGroupTables(llm: LlmSummary, width: number): string[] {
  const out: string[] = [];
  for (const [by, title, first] of [
    ['byName', 'LLM by request name (ms)', 'Name'],
    ['byClass', 'LLM by user class (ms)', 'Class'],
  ] as const) {
    const rows = llmGroupRows(llm, by);
    if (rows.length === 0) continue;
    const shown = rows.slice(0, MAX_LLM_GROUP_ROWS);
    out.push(`\n${title}`);
    out.push(fitTable(COLUMNS(first), shown.map((row) => [cut(row.key, 60), ...llmGroupCells(row.llm)]), width).text);
    if (shown.length < rows.length) out.push(`… the busiest ${shown.length} of ${rows.length}; all of them are in summary.json (llm.${by})`);
  }
  return out;
}
