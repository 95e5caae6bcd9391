import type { LatencyStats } from '../../../metrics/histogram.js';
import type { LlmSummary } from '../../../metrics/summary-types.js';
import { fit, fmtCount, fmtRate, paint } from '../text.js';
import { formatMsCompact } from '../../format-number.js';
import type { SectionContent, View } from './types.js';
import { llmGroupRows } from '../../llm-groups.js';

/** Request names the panel lists at most (the end table and summary.json have them all). */
const MAX_NAME_ROWS = 4;

const ROWS: Array<[string, (l: LlmSummary) => LatencyStats]> = [
  ['TTFT', (l) => l.ttftMs],
  ['TPOT', (l) => l.tpotMs],
  ['ITL', (l) => l.itlMs],
  ['E2E', (l) => l.e2eMs],
];

/** Rows the LLM figures take: heading, four metrics, tokens/s, requests, errors by kind when any, and the names when several. */
export function llmRows(view: View): number {
  const llm = view.snapshot?.llm;
  if (!llm) return 1;
  return (Object.keys(llm.errorsByKind).length > 0 ? 8 : 7) + nameLines(llm).length;
}

/** Per request name, when there are several: its requests, TTFT p50 and E2E p50 (an embedding has no TTFT). */
function nameLines(llm: LlmSummary, width = Infinity): string[] {
  const rows = llmGroupRows(llm, 'byName');
  if (rows.length === 0) return [];
  const shown = rows.slice(0, MAX_NAME_ROWS);
  const ms = (s: LatencyStats) => (s.count ? formatMsCompact(s.p50) : '-');
  const line = (cells: string[]) => (fit(cells[0]!, 22) + fit(cells[1]!, 8, 'right') + fit(cells[2]!, 10, 'right') + fit(cells[3]!, 10, 'right')).slice(0, width).trimEnd();
  const lines = [paint('bold', line(['name', 'req', 'ttft p50', 'e2e p50']))];
  // Names are the scenario's text: escaped, as blessed would read `{…}` as a tag.
  for (const { key, llm: g } of shown) lines.push(paint(undefined, line([key, fmtCount(g.requests), ms(g.ttftMs), ms(g.e2eMs)])));
  if (rows.length > shown.length) lines[lines.length - 1] = fit(`… ${rows.length - shown.length + 1} more names (summary.json llm.byName)`, width).trimEnd();
  return lines;
}

/** TTFT, TPOT, ITL and E2E percentiles over the run, and tokens per second now and on average. */
export function renderLlmStats(view: View, width: number, height: number): SectionContent {
  const llm = view.snapshot?.llm;
  if (!llm) return { label: 'LLM', lines: ['no LLM requests in this run (yet)'] };
  const cell = 9;
  const lines = [paint('bold', `${fit('ms', 6)}${['p50', 'p90', 'p99'].map((p) => fit(p, cell, 'right')).join('')}`)];
  for (const [name, pick] of ROWS) {
    const s = pick(llm);
    lines.push(paint('bold', fit(name, 6)) + [s.p50, s.p90, s.p99].map((v) => fit(s.count ? formatMsCompact(v) : '-', cell, 'right')).join(''));
  }
  const now = view.snapshot?.llmInterval;
  const rate = (current: number | undefined, avg: number): string =>
    `${paint('bold', fmtRate(current ?? avg))}/s (avg ${fmtRate(avg)})`;
  lines.push(`tokens in ${rate(now?.inputTokensPerSec, llm.inputTokensPerSec)}  out ${rate(now?.outputTokensPerSec, llm.outputTokensPerSec)}`);
  const failed = llm.failures > 0 ? paint('red-fg', `${fmtCount(llm.failures)} failed`) : '0 failed';
  const goodput = llm.goodputPerSec === null ? '' : ` · goodput ${fmtRate(llm.goodputPerSec)}/s`;
  lines.push(`requests ${fmtCount(llm.requests)} · ${failed}${goodput}`);
  const kinds = Object.entries(llm.errorsByKind).sort((a, b) => b[1] - a[1]);
  if (kinds.length) lines.push(paint('red-fg', fit(`errors ${kinds.map(([kind, n]) => `${kind} ${fmtCount(n)}`).join(', ')}`, width).trimEnd()));
  lines.push(...nameLines(llm, width));
  return { label: 'LLM', lines: lines.slice(0, Math.max(0, height)) };
}
