import type { TurnSummary } from '../../metrics/llm-workload.js';
import type { RunSummary } from '../../metrics/summary-types.js';
import { formatFigure, formatMs, formatNumber, formatPercent } from '../format-number.js';
import { meanInputTokens, turnLabel } from '../llm-workload-text.js';
import { html, type SafeHtml } from './safe-html.js';
import { card } from './sections.js';
import { table } from './table.js';

/**
 * Conversations and the prefix cache (metrics/llm-workload.ts): session and
 * cache cards, and one row per turn index, so TTFT at turn 5 reads beside turn 1.
 */
export function llmWorkloadSection(summary: RunSummary): SafeHtml | '' {
  const llm = summary.llm;
  if (!llm || (!llm.turns && !llm.sessions && !llm.cache)) return '';
  const s = llm.sessions;
  const c = llm.cache;
  const turns = llm.turns ?? [];
  return html`<section id="conversations"><h2>${turns.length > 0 || s ? 'Conversations' : 'Prefix cache'}</h2>
<div class="cards">
${s ? card('Sessions', formatNumber(s.started, 0), `${formatNumber(s.completed, 0)} completed · ${formatNumber(s.broken, 0)} broken by a failed turn`) : ''}
${s && s.durationMs.count > 0 ? card('Session duration p50', formatMs(s.durationMs.p50), `p99 ${formatMs(s.durationMs.p99)} · ${formatFigure(s.turns.mean)} turns per session`) : ''}
${c ? card('Prefix cache hit rate', formatPercent(c.hitRate, 1), `${formatNumber(c.cachedTokens, 0)} of ${formatNumber(c.inputTokens, 0)} input tokens cached`) : ''}
</div>
${turns.length > 0
  ? table<TurnSummary>(
      [
        { header: 'Turn', text: true, cell: turnLabel },
        { header: 'Requests', cell: (t) => formatNumber(t.requests, 0) },
        { header: 'Failures', cell: (t) => formatNumber(t.failures, 0), className: (t) => (t.failures > 0 ? 'bad' : undefined) },
        { header: 'Input tokens (mean)', cell: (t) => formatNumber(meanInputTokens(t), 0) },
        { header: 'Context p99 (tokens)', cell: (t) => formatNumber(t.contextTokens.p99, 0) },
        { header: 'Cached', cell: (t) => (t.inputTokens > 0 ? formatPercent(t.cachedTokens / t.inputTokens, 1) : '–') },
        { header: 'Output tokens', cell: (t) => formatNumber(t.outputTokens, 0) },
        { header: 'TTFT p50 (ms)', cell: (t) => formatFigure(t.ttftMs.p50) },
        { header: 'TTFT p99 (ms)', cell: (t) => formatFigure(t.ttftMs.p99) },
        { header: 'E2E p50 (ms)', cell: (t) => formatFigure(t.e2eMs.p50) },
        { header: 'E2E p99 (ms)', cell: (t) => formatFigure(t.e2eMs.p99) },
      ],
      turns,
    )
  : ''}
</section>`;
}
