import type { EndpointSummary, ErrorCount, LlmSummary, ThresholdResult } from './summary-types.js';
import type { NamesSummary } from './name-watch.js';

/** The load generator's own health, per worker thread. */
export interface WorkerHealth {
  index: number;
  /** CPU use of the thread over the last interval, 0..1 (one core = 1). */
  cpu: number;
  /** Event-loop delay p99 over the last interval, ms. */
  eventLoopDelayMs: number;
  users: number;
}

/**
 * What reporters get every second while a run is live: the totals so far and
 * the figures of the last interval.
 */
export interface LiveSnapshot {
  scenario: string;
  elapsedMs: number;
  /** Planned duration, when the run is bounded in time. */
  durationMs?: number;
  users: number;
  targetUsers: number;
  workers: number;
  stage?: string;
  /** Cumulative per-endpoint figures (rps over the whole run). */
  endpoints: EndpointSummary[];
  total: EndpointSummary;
  /** Requests per second in the last interval, per endpoint key `METHOD name`. */
  currentRps: Record<string, number>;
  interval: { rps: number; failuresPerSec: number; p50Ms: number; p95Ms: number; p99Ms: number };
  llm?: LlmSummary;
  /** LLM figures of the last interval only. */
  llmInterval?: { ttftP50Ms: number; ttftP99Ms: number; outputTokensPerSec: number; inputTokensPerSec: number };
  /** Most frequent first (errorList). */
  errors: ErrorCount[];
  checks: Array<{ name: string; passes: number; fails: number }>;
  health: WorkerHealth[];
  thresholds?: ThresholdResult[];
  /** The run's request names and the warning when they look like ids in URLs (name-watch.ts). */
  names?: NamesSummary;
}
