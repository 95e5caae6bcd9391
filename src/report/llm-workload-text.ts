import type { LlmSummary } from '../metrics/summary-types.js';
import type { TurnSummary } from '../metrics/llm-workload.js';
import { fitTable, wrapParts, type TextColumn } from './fit-table.js';

const wrap = (sentence: string, width: number): string => wrapParts(sentence.split(' '), width).replace(/  /g, ' ');
import { formatMs, formatMsCompact, formatNumber, formatPercent } from './format-number.js';

const right = (header: string, dropOrder?: number): TextColumn => ({ header, align: 'right', dropOrder });
const TURN_COLUMNS: TextColumn[] = [
  { header: 'Turn', align: 'left' },
  right('Requests'),
  right('Fails'),
  right('Input (mean)'),
  right('Cached', 2),
  right('TTFT p50'),
  right('TTFT p99', 1),
  right('E2E p50'),
  right('E2E p99', 3),
];

/** Mean input tokens of a turn's answered requests: the context length at that turn. */
export function meanInputTokens(t: TurnSummary): number {
  const answered = t.requests - t.failures;
  return answered > 0 ? t.inputTokens / answered : 0;
}

/** A turn's row label: `5`, or `32+` for the row that also holds the later turns. */
export const turnLabel = (t: TurnSummary): string => (t.andLater ? `${t.turn}+` : String(t.turn));

/**
 * The end-of-run lines of conversations and the prefix cache (metrics/llm-workload.ts):
 * a table per turn index, one line of sessions, one of the cache. Empty when the run had neither.
 */
export function llmWorkloadLines(l: LlmSummary, width: number): string[] {
  const out: string[] = [];
  if (l.turns?.length) {
    out.push('\nConversation turns (ms; input and cached in tokens)');
    const rows = l.turns.map((t) => [
      turnLabel(t),
      String(t.requests),
      String(t.failures),
      formatNumber(meanInputTokens(t), 0),
      t.inputTokens > 0 ? formatPercent(t.cachedTokens / t.inputTokens, 1) : '-',
      formatMsCompact(t.ttftMs.p50),
      formatMsCompact(t.ttftMs.p99),
      formatMsCompact(t.e2eMs.p50),
      formatMsCompact(t.e2eMs.p99),
    ]);
    out.push(fitTable(TURN_COLUMNS, rows, width).text);
  }
  const s = l.sessions;
  const lead = () => (out.length === 0 ? '\n' : '');
  if (s) {
    let line = `Sessions: ${s.started} started, ${s.completed} completed, ${s.broken} broken by a failed turn`;
    if (s.durationMs.count > 0) line += `; duration p50 ${formatMs(s.durationMs.p50)}, p99 ${formatMs(s.durationMs.p99)}; ${s.turns.mean.toFixed(1)} turns per session`;
    out.push(lead() + wrap(line, width));
  }
  const c = l.cache;
  if (c) {
    out.push(lead() + wrap(`Prefix cache: ${formatNumber(c.cachedTokens, 0)} of ${formatNumber(c.inputTokens, 0)} input tokens cached, hit rate ${formatPercent(c.hitRate, 1)} (${formatNumber(c.requests, 0)} answers reported it)`, width));
  }
  return out;
}
