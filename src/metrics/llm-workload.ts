import type { LatencyStats } from './histogram.js';
import type { MetricsAggregate } from './aggregate.js';

/**
 * Counter and trend names of the LLM workload figures: conversations played
 * turn by turn (docs/llm.md#conversations) and the server's prefix cache
 * (docs/llm.md#prefix-caches). The client records them (clients/llm/workload-figures.ts),
 * buildLlmWorkload reads them back into summary.json's `llm.turns`,
 * `llm.sessions` and `llm.cache`. They start with `llm.`, so --max-names never folds them.
 */
export const CACHE_REPORTS = 'llm.cache.reports';
export const CACHE_INPUT_TOKENS = 'llm.cache.input_tokens';
export const CACHE_CACHED_TOKENS = 'llm.cache.cached_tokens';

export const SESSIONS_STARTED = 'llm.sessions.started';
export const SESSIONS_COMPLETED = 'llm.sessions.completed';
export const SESSIONS_BROKEN = 'llm.sessions.broken';
export const SESSION_DURATION = 'llm.session.duration';
export const SESSION_TURNS = 'llm.session.turns';

/**
 * Turn indexes kept apart; later turns count in the last row (`32+`), so a
 * conversation of hundreds of turns cannot grow the summary without bound.
 */
export const MAX_TURN_INDEX = 32;

/** The prefix of every figure of turn `index` (1-based, capped at MAX_TURN_INDEX). */
export function turnPrefix(index: number): string {
  return `llm.turn.${Math.min(Math.max(1, Math.floor(index)), MAX_TURN_INDEX)}.`;
}

/** One turn index of the conversations: every request sent as that turn. */
export interface TurnSummary {
  /** 1-based; the last row (MAX_TURN_INDEX) also holds every later turn. */
  turn: number;
  /** True on the row that also counts the turns past MAX_TURN_INDEX. */
  andLater?: boolean;
  requests: number;
  failures: number;
  /** Input tokens of the turn's successful requests (the whole history sent), summed; the mean is inputTokens / (requests - failures). */
  inputTokens: number;
  outputTokens: number;
  /** Cached input tokens the server reported for this turn (0 when it reports none). */
  cachedTokens: number;
  /** Context length: input tokens per request of this turn. */
  contextTokens: LatencyStats;
  ttftMs: LatencyStats;
  e2eMs: LatencyStats;
}

/** Conversations (sessions) played: started, ended, how long and how many turns. */
export interface SessionsSummary {
  started: number;
  /** Every turn answered. */
  completed: number;
  /** Ended by a failed turn (the rest of the conversation was not sent). */
  broken: number;
  /** From the first turn's request to the last turn's answer, think times included, of sessions that ended. */
  durationMs: LatencyStats;
  /** Turns answered per ended session. */
  turns: LatencyStats;
}

/** The server's prefix cache as its usage reports it. */
export interface CacheSummary {
  /** Requests whose answer reported cached tokens (others are left out of the rate). */
  requests: number;
  /** Input tokens of those requests. */
  inputTokens: number;
  cachedTokens: number;
  /** cachedTokens / inputTokens, 0..1. */
  hitRate: number;
}

export interface LlmWorkloadSummary {
  turns?: TurnSummary[];
  sessions?: SessionsSummary;
  cache?: CacheSummary;
}

/** `llm.turns`, `llm.sessions` and `llm.cache` of a summary, each only when the run has them. */
export function buildLlmWorkload(agg: Pick<MetricsAggregate, 'counters' | 'trendStats'>): LlmWorkloadSummary {
  const c = agg.counters;
  const out: LlmWorkloadSummary = {};
  const turns: TurnSummary[] = [];
  for (let turn = 1; turn <= MAX_TURN_INDEX; turn++) {
    const p = `llm.turn.${turn}.`;
    const requests = c[p + 'requests'] ?? 0;
    if (requests === 0) continue;
    turns.push({
      turn,
      ...(turn === MAX_TURN_INDEX && { andLater: true }),
      requests,
      failures: c[p + 'failures'] ?? 0,
      inputTokens: c[p + 'input_tokens'] ?? 0,
      outputTokens: c[p + 'output_tokens'] ?? 0,
      cachedTokens: c[p + 'cached_tokens'] ?? 0,
      contextTokens: agg.trendStats(p + 'context'),
      ttftMs: agg.trendStats(p + 'ttft'),
      e2eMs: agg.trendStats(p + 'e2e'),
    });
  }
  if (turns.length > 0) out.turns = turns;
  const started = c[SESSIONS_STARTED] ?? 0;
  if (started > 0) {
    out.sessions = {
      started,
      completed: c[SESSIONS_COMPLETED] ?? 0,
      broken: c[SESSIONS_BROKEN] ?? 0,
      durationMs: agg.trendStats(SESSION_DURATION),
      turns: agg.trendStats(SESSION_TURNS),
    };
  }
  const reports = c[CACHE_REPORTS] ?? 0;
  if (reports > 0) {
    const inputTokens = c[CACHE_INPUT_TOKENS] ?? 0;
    const cachedTokens = c[CACHE_CACHED_TOKENS] ?? 0;
    out.cache = { requests: reports, inputTokens, cachedTokens, hitRate: inputTokens > 0 ? Math.round((cachedTokens / inputTokens) * 1e6) / 1e6 : 0 };
  }
  return out;
}
