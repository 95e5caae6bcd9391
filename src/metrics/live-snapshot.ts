import type { EndpointSummary, ErrorCount, LlmSummary, ThresholdResult } from './summary-types.js';
import type { NamesSummary } from './name-watch.js';
import type { ServerFigures } from './server-figures.js';

/** The load generator's own health, per worker thread. */
export interface WorkerHealth {
  index: number;
  /** CPU use of the thread over the last interval, 0..1 (one core = 1). */
  cpu: number;
  /** Event-loop delay p99 over the last interval, ms. */
  eventLoopDelayMs: number;
  users: number;
  /** Set while the worker's event loop has not turned for over a second (its heartbeat stopped): how long, ms. */
  blockedMs?: number;
}

/**
 * The live figures of the recent past (engine/live-window.ts): the last 10 s,
 * or the shortest recent stretch holding 100 requests. Latencies are null
 * when no request completed in it (shown as –, never as 0).
 */
export interface LiveWindowFigures {
  seconds: number;
  requests: number;
  rps: number;
  failuresPerSec: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** LLM runs only. */
  ttftP50Ms?: number | null;
  outputTokensPerSec?: number;
}

/** Where a sweep is: its stage number among the planned ones, and an estimate of the time left. */
export interface SweepProgress {
  /** 1-based. */
  stage: number;
  stages: number;
  /** Estimated time left of the whole sweep; undefined until there is a basis for one. */
  remainingMs?: number;
}

/** An open model's arrivals (--rate): asked for, started and dropped (no free user). */
export interface ArrivalFigures {
  /** The arrival rate asked for now (the profile's, or the one set live). */
  targetPerSec?: number;
  /** Arrivals a user started per second in the last interval. */
  achievedPerSec: number;
  /** Arrivals dropped per second in the last interval (counter dropped_iterations). */
  droppedPerSec: number;
  /** Arrivals started so far. */
  started: number;
  /** Arrivals dropped so far. */
  dropped: number;
}

/** The capacity search so far: the bracket and the steps judged. */
export interface CapacityProgress {
  lastPass: number | null;
  firstFail: number | null;
  unit: 'requests/s' | 'users';
  steps: number;
}

/** One stage of a sweep as the live stage table shows it; `current` for the stage still running. */
export interface StageRow {
  name: string;
  concurrency?: number;
  rps: number;
  failures: number;
  outputTokensPerSec?: number;
  ttftP50Ms?: number;
  ttftP99Ms?: number;
  tpotP50Ms?: number;
  current?: boolean;
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
  /** The recent past that live views show (the last interval alone is too short at low rates). */
  window?: LiveWindowFigures;
  /** A sweep's stage number and the time left. */
  sweep?: SweepProgress;
  /** Open models only: the arrival rate asked for, achieved and dropped. */
  arrivals?: ArrivalFigures;
  /** Sweeps only: the finished stages and the current one. */
  stages?: StageRow[];
  /** --find-capacity: where the search stands (docs/capacity.md). */
  capacity?: CapacityProgress;
  llm?: LlmSummary;
  /** LLM figures of the last interval only. */
  llmInterval?: { ttftP50Ms: number; ttftP99Ms: number; outputTokensPerSec: number; inputTokensPerSec: number };
  /** Most frequent first (errorList). */
  errors: ErrorCount[];
  checks: Array<{ name: string; passes: number; fails: number }>;
  /** Task runs and exceptions so far, by task (as the summary's `tasks`). */
  tasks?: Array<{ name: string; runs: number; errors?: number }>;
  health: WorkerHealth[];
  thresholds?: ThresholdResult[];
  /** The run's request names and the warning when they look like ids in URLs (name-watch.ts). */
  names?: NamesSummary;
  /** The server's own figures so far and now (--server-metrics; docs/telemetry.md). */
  server?: ServerFigures;
}
