import type { MetricsAggregate } from '../metrics/aggregate.js';
import type { HistoryRow } from '../metrics/summary-types.js';
import type { LiveSnapshot } from '../metrics/live-snapshot.js';
import { checkList, endpointSummaries, endpointSummary, errorList, taskList } from '../metrics/summarize.js';
import { buildLlmSummary } from '../metrics/llm-summary.js';
import { arrivalFigures } from './live-figures.js';

/** The run's state that a snapshot carries as it is, plus what the figures need. */
export interface LiveInputs extends Pick<LiveSnapshot, 'scenario' | 'elapsedMs' | 'durationMs' | 'users' | 'targetUsers' | 'workers' | 'stage' | 'health'> {
  intervalSec: number;
  /** Milliseconds the totals cover (since the load started, or since resetStats); default elapsedMs. */
  statsElapsedMs?: number;
  /** SLOs were given (--slo), so goodput is computed. */
  hasSlo: boolean;
  /** Open models: their arrival figures are built, beside this rate asked for. */
  openModel?: { targetRatePerSec?: number };
}

/** The per-second view reporters get, from the run totals and the last interval. */
export function buildLiveSnapshot(total: MetricsAggregate, interval: MetricsAggregate, inp: LiveInputs): LiveSnapshot {
  // After resetStats the totals cover only the time since.
  const elapsedSec = (inp.statsElapsedMs ?? inp.elapsedMs) / 1000;
  const it = interval.total();
  const lat = it.latency.stats();
  const currentRps: Record<string, number> = {};
  for (const e of interval.endpoints.values()) currentRps[`${e.method} ${e.name}`] = e.requests / inp.intervalSec;
  const snap: LiveSnapshot = {
    scenario: inp.scenario,
    elapsedMs: inp.elapsedMs,
    durationMs: inp.durationMs,
    users: inp.users,
    targetUsers: inp.targetUsers,
    workers: inp.workers,
    stage: inp.stage,
    endpoints: endpointSummaries(total, elapsedSec),
    total: endpointSummary(total.total(), elapsedSec),
    currentRps,
    interval: { rps: it.requests / inp.intervalSec, failuresPerSec: it.failures / inp.intervalSec, p50Ms: lat.p50, p95Ms: lat.p95, p99Ms: lat.p99 },
    errors: errorList(total),
    checks: checkList(total),
    tasks: taskList(total),
    health: inp.health,
  };
  if (inp.openModel) snap.arrivals = arrivalFigures(total, interval, inp.intervalSec, inp.openModel.targetRatePerSec);
  const llm = buildLlmSummary(total, elapsedSec, inp.hasSlo);
  if (llm) snap.llm = llm;
  // Also during a warm-up stage, whose figures stay out of the totals: the history keeps them.
  if (llm || intervalTtftCount(interval) > 0) {
    const ttft = interval.trendStats('llm.ttft');
    snap.llmInterval = {
      ttftP50Ms: ttft.p50,
      ttftP99Ms: ttft.p99,
      outputTokensPerSec: (interval.counters['llm.output_tokens'] ?? 0) / inp.intervalSec,
      inputTokensPerSec: (interval.counters['llm.input_tokens'] ?? 0) / inp.intervalSec,
    };
  }
  return snap;
}

const intervalTtftCount = (interval: MetricsAggregate): number => interval.trends.get('llm.ttft')?.totalCount ?? 0;

/**
 * One row of history.csv from the snapshot built on `interval`. The LLM columns
 * are left empty for an interval without TTFT samples, where the snapshot reads 0.
 */
export function historyRow(s: LiveSnapshot, interval: MetricsAggregate): HistoryRow {
  return historyRowOf(s, intervalTtftCount(interval) > 0);
}

/**
 * One history row from a snapshot alone (the web UI's live rows); `hasTtft`:
 * whether the interval had TTFT samples (without them its LLM columns stay empty).
 */
export function historyRowOf(s: LiveSnapshot, hasTtft = (s.llmInterval?.ttftP50Ms ?? 0) > 0): HistoryRow {
  const row: HistoryRow = {
    t: Math.round(s.elapsedMs / 100) / 10,
    timestamp: new Date().toISOString(),
    users: s.users,
    rps: Math.round(s.interval.rps * 1000) / 1000,
    failuresPerSec: Math.round(s.interval.failuresPerSec * 1000) / 1000,
    // A second without a completed request has no latency: null, not 0.
    p50Ms: s.interval.rps > 0 ? s.interval.p50Ms : null,
    p95Ms: s.interval.rps > 0 ? s.interval.p95Ms : null,
    p99Ms: s.interval.rps > 0 ? s.interval.p99Ms : null,
  };
  if (s.llmInterval && hasTtft) {
    row.ttftP50Ms = s.llmInterval.ttftP50Ms;
    row.ttftP99Ms = s.llmInterval.ttftP99Ms;
    row.outputTokensPerSec = Math.round(s.llmInterval.outputTokensPerSec * 10) / 10;
  }
  if (s.stage) row.stage = s.stage;
  if (s.server?.current && Object.keys(s.server.current).length) row.server = Object.fromEntries(Object.entries(s.server.current).map(([k, v]) => [k, Math.round(v * 1e4) / 1e4]));
  return row;
}
