import type { LatencyStats } from '../../metrics/histogram.js';
import type { LlmSummary, RunSummary, StageSummary } from '../../metrics/summary-types.js';
import { formatFigure, formatMs, formatNumber, formatPercent } from '../format-number.js';
import { html, type SafeHtml } from './safe-html.js';
import { card } from './sections.js';
import { table } from './table.js';
import { llmGroupsTable } from './llm-groups.js';

/** LLM latency series: [label, what it is, stats, unit]. */
function series(llm: LlmSummary): Array<[string, string, LatencyStats, string]> {
  const rows: Array<[string, string, LatencyStats, string]> = [
    ['TTFT', 'time to first token', llm.ttftMs, 'ms'],
    ['TTFCT', 'time to first content token', llm.ttfctMs, 'ms'],
    ['TPOT', 'time per output token', llm.tpotMs, 'ms'],
    ['ITL', 'inter-token latency', llm.itlMs, 'ms'],
    ['E2E', 'end-to-end latency', llm.e2eMs, 'ms'],
    ['Output speed', 'tokens/s of one request', llm.outputSpeedTokPerS, 'tok/s'],
  ];
  // TTFCT only differs from TTFT for reasoning models; the same row twice is noise.
  return rows.filter(([label, , s]) => s.count > 0 && !(label === 'TTFCT' && sameStats(s, llm.ttftMs)));
}

const sameStats = (a: LatencyStats, b: LatencyStats): boolean => a.count === b.count && a.p50 === b.p50 && a.p99 === b.p99;

export function llmSection(summary: RunSummary): SafeHtml | '' {
  const llm = summary.llm;
  if (!llm) return '';
  // Requests cut off by the stop are counted apart, not as errors: shown beside the errors, never among them.
  const aborted = llm.errorsByKind.aborted ?? 0;
  const errorKinds = Object.entries(llm.errorsByKind).filter(([k]) => k !== 'aborted').sort((a, b) => b[1] - a[1]);
  const errorsSub = [llm.requests > 0 ? `${formatPercent(llm.failures / llm.requests)} of requests` : '', aborted > 0 ? `${formatNumber(aborted, 0)} more aborted at the stop (not errors)` : ''].filter(Boolean).join(' · ');
  return html`<section id="llm"><h2>LLM</h2>
<div class="cards">
${card('LLM requests', formatNumber(llm.requests, 0), `${formatFigure(llm.requestsPerSec)} per second`)}
${card('Output tokens/s', formatFigure(llm.outputTokensPerSec), `${formatNumber(llm.outputTokens, 0)} tokens`)}
${card('Input tokens/s', formatFigure(llm.inputTokensPerSec), `${formatNumber(llm.inputTokens, 0)} tokens`)}
${card('Total tokens/s', formatFigure(llm.totalTokensPerSec), llm.reasoningTokens > 0 ? `${formatNumber(llm.reasoningTokens, 0)} reasoning tokens` : undefined)}
${card('Goodput', llm.goodputPerSec === null ? 'no SLO' : `${formatFigure(llm.goodputPerSec)}/s`, llm.goodputPerSec === null ? 'set --slo to measure' : 'requests/s meeting every SLO')}
${card('LLM errors', formatNumber(llm.failures, 0), errorsSub || undefined)}
</div>
${table(
  [
    { header: 'Metric', text: true, cell: ([label, what]) => html`<strong>${label}</strong> <span class="muted">${what}</span>` },
    { header: 'Unit', text: true, cell: ([, , , unit]) => unit },
    { header: 'Count', cell: ([, , s]) => formatNumber(s.count, 0) },
    { header: 'Min', cell: ([, , s]) => formatFigure(s.min) },
    { header: 'Mean', cell: ([, , s]) => formatFigure(s.mean) },
    { header: 'p50', cell: ([, , s]) => formatFigure(s.p50) },
    { header: 'p90', cell: ([, , s]) => formatFigure(s.p90) },
    { header: 'p95', cell: ([, , s]) => formatFigure(s.p95) },
    { header: 'p99', cell: ([, , s]) => formatFigure(s.p99) },
    { header: 'Max', cell: ([, , s]) => formatFigure(s.max) },
  ],
  series(llm),
)}
${llmGroupsTable(llm, 'byName')}
${llmGroupsTable(llm, 'byClass')}
${errorKinds.length > 0 ? html`<p class="muted">Errors by kind: ${errorKinds.map(([k, n], i) => html`${i > 0 ? ', ' : ''}<code>${k}</code> ${n}`)}</p>` : ''}
</section>`;
}

/** One row per stage of a sweep. */
export function stagesTable(summary: RunSummary): SafeHtml | '' {
  const stages = summary.stages ?? [];
  if (stages.length === 0) return '';
  const llm = stages.some((s) => s.llm);
  const failRate = (s: StageSummary): string => (s.total.requests > 0 ? formatPercent(s.total.failures / s.total.requests) : '–');
  const columns = [
    { header: 'Stage', text: true, cell: (s: StageSummary) => s.name },
    ...(stages.some((s) => s.concurrency !== undefined) ? [{ header: 'Concurrency', cell: (s: StageSummary) => s.concurrency ?? '–' }] : []),
    { header: 'Duration', cell: (s: StageSummary) => formatMs(s.durationMs) },
    { header: 'Requests', cell: (s: StageSummary) => formatNumber(s.total.requests, 0) },
    { header: 'Req/s', cell: (s: StageSummary) => formatFigure(s.total.rps) },
    { header: 'Errors', cell: failRate, className: (s: StageSummary) => (s.total.failures > 0 ? 'bad' : undefined) },
  ];
  const llmColumns = [
    { header: 'Output tok/s', cell: (s: StageSummary) => (s.llm ? formatFigure(s.llm.outputTokensPerSec) : '–') },
    { header: 'Speed p50 (tok/s/req)', cell: (s: StageSummary) => (s.llm ? formatFigure(s.llm.outputSpeedTokPerS.p50) : '–') },
    { header: 'TTFT p50 (ms)', cell: (s: StageSummary) => (s.llm ? formatFigure(s.llm.ttftMs.p50) : '–') },
    { header: 'TTFT p99 (ms)', cell: (s: StageSummary) => (s.llm ? formatFigure(s.llm.ttftMs.p99) : '–') },
    { header: 'E2E p50 (ms)', cell: (s: StageSummary) => (s.llm ? formatFigure(s.llm.e2eMs.p50) : '–') },
    { header: 'E2E p99 (ms)', cell: (s: StageSummary) => (s.llm ? formatFigure(s.llm.e2eMs.p99) : '–') },
  ];
  const httpColumns = [
    { header: 'p50 (ms)', cell: (s: StageSummary) => formatFigure(s.total.latencyMs.p50) },
    { header: 'p95 (ms)', cell: (s: StageSummary) => formatFigure(s.total.latencyMs.p95) },
    { header: 'p99 (ms)', cell: (s: StageSummary) => formatFigure(s.total.latencyMs.p99) },
  ];
  return table([...columns, ...(llm ? llmColumns : httpColumns)], stages);
}
