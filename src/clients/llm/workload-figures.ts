import type { LlmResult } from '../../api/llm.js';
/** What these figures are recorded into: the worker's recorder, or one request's scope (totals, name, class). */
type FigureSink = { add(counter: string, n: number): void; recordTrend(name: string, value: number): void };
import {
  CACHE_CACHED_TOKENS,
  CACHE_INPUT_TOKENS,
  CACHE_REPORTS,
  SESSION_DURATION,
  SESSION_TURNS,
  SESSIONS_BROKEN,
  SESSIONS_COMPLETED,
  SESSIONS_STARTED,
  turnPrefix,
} from '../../metrics/llm-workload.js';

/** A successful answer whose usage reported cached tokens counts toward the cache-hit rate (metrics/llm-workload.ts). */
export function recordCache(recorder: FigureSink, r: LlmResult): void {
  if (r.cachedTokens === undefined) return;
  recorder.add(CACHE_REPORTS, 1);
  recorder.add(CACHE_INPUT_TOKENS, r.inputTokens);
  if (r.cachedTokens > 0) recorder.add(CACHE_CACHED_TOKENS, r.cachedTokens);
}

/** One request sent as turn `turn` (1-based) of a conversation. Aborted ones (the run's stop) are not counted. */
export function recordTurn(recorder: FigureSink, turn: number, r: LlmResult): void {
  if (r.errorKind === 'aborted') return;
  const p = turnPrefix(turn);
  recorder.add(p + 'requests', 1);
  if (r.error !== undefined) {
    recorder.add(p + 'failures', 1);
    return;
  }
  recorder.add(p + 'input_tokens', r.inputTokens);
  recorder.add(p + 'output_tokens', r.outputTokens);
  if (r.cachedTokens) recorder.add(p + 'cached_tokens', r.cachedTokens);
  // Trends hold milliseconds; a token count is stored as its number, read back unchanged (as llm.output_speed).
  recorder.recordTrend(p + 'context', r.inputTokens);
  recorder.recordTrend(p + 'e2e', r.e2eMs);
  if (r.ttftMs !== undefined) recorder.recordTrend(p + 'ttft', r.ttftMs);
}

export function recordSessionStart(recorder: FigureSink): void {
  recorder.add(SESSIONS_STARTED, 1);
}

/** A session that ended: every turn answered (completed) or cut by a failed turn (broken). */
export function recordSessionEnd(recorder: FigureSink, s: { completed: boolean; turns: number; durationMs: number }): void {
  recorder.add(s.completed ? SESSIONS_COMPLETED : SESSIONS_BROKEN, 1);
  recorder.recordTrend(SESSION_DURATION, s.durationMs);
  recorder.recordTrend(SESSION_TURNS, s.turns);
}
