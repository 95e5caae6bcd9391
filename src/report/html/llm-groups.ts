import type { LlmSummary } from '../../metrics/summary-types.js';
import { formatFigure, formatNumber } from '../format-number.js';
import { llmGroupRows, type LlmGroupRow } from '../llm-groups.js';
import { html, type SafeHtml } from './safe-html.js';
import { table } from './table.js';

const ms = (s: { count: number }, v: number): string => (s.count > 0 ? formatFigure(v) : '–');

/**
 * The LLM figures per request name or per user class (times in ms), when there
 * is more than the totals to show. An embedding's E2E is in its name's row only.
 */
export function llmGroupsTable(llm: LlmSummary, by: 'byName' | 'byClass'): SafeHtml | '' {
  const rows = llmGroupRows(llm, by);
  if (rows.length === 0) return '';
  const title = by === 'byName' ? 'By request name' : 'By user class';
  return html`<h3 class="subsection" id="llm-${by === 'byName' ? 'names' : 'classes'}">${title}</h3>
${table<LlmGroupRow>(
  [
    { header: by === 'byName' ? 'Name' : 'Class', text: true, wrap: true, cell: (r) => r.key },
    { header: 'Requests', cell: (r) => formatNumber(r.llm.requests, 0) },
    { header: 'Failed', cell: (r) => formatNumber(r.llm.failures, 0), className: (r) => (r.llm.failures > 0 ? 'bad' : undefined) },
    { header: 'TTFT p50', cell: (r) => ms(r.llm.ttftMs, r.llm.ttftMs.p50) },
    { header: 'TTFT p99', cell: (r) => ms(r.llm.ttftMs, r.llm.ttftMs.p99) },
    { header: 'TPOT p50', cell: (r) => ms(r.llm.tpotMs, r.llm.tpotMs.p50) },
    { header: 'ITL p99', cell: (r) => ms(r.llm.itlMs, r.llm.itlMs.p99) },
    { header: 'E2E p50', cell: (r) => ms(r.llm.e2eMs, r.llm.e2eMs.p50) },
    { header: 'E2E p99', cell: (r) => ms(r.llm.e2eMs, r.llm.e2eMs.p99) },
    { header: 'Input tokens', cell: (r) => formatNumber(r.llm.inputTokens, 0) },
    { header: 'Output tokens', cell: (r) => formatNumber(r.llm.outputTokens, 0) },
    { header: 'Output tok/s', cell: (r) => formatFigure(r.llm.outputTokensPerSec) },
    { header: 'Goodput/s', cell: (r) => (r.llm.goodputPerSec === null ? '–' : formatFigure(r.llm.goodputPerSec)) },
  ],
  rows,
)}`;
}
