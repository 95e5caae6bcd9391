import type { LatencyStats } from './histogram.js';
import type { NamesSummary } from './name-watch.js';
import type { LlmWorkloadSummary } from './llm-workload.js';
import type { LlmGroupDelta } from './llm-groups.js';
import type { ServerFigures } from './server-figures.js';
import type { GeneratorHealth } from './generator-health.js';

/**
 * The shape of summary.json (docs/summary-json.md). Bump SUMMARY_VERSION on any
 * incompatible change.
 */
export const SUMMARY_VERSION = 1;

export interface EndpointSummary {
  name: string;
  /** HTTP method or request type; '' for the aggregated row. */
  method: string;
  requests: number;
  failures: number;
  aborted: number;
  /** Requests per second over the measured duration. */
  rps: number;
  failuresPerSec: number;
  bytes: number;
  latencyMs: LatencyStats;
}

/**
 * LLM metrics, present when the run made LLM requests (docs/llm-metrics.md);
 * `turns`, `sessions` and `cache` (llm-workload.ts) when the run played conversations or the server reported cached tokens.
 */
export interface LlmSummary extends LlmWorkloadSummary {
  requests: number;
  failures: number;
  ttftMs: LatencyStats;
  /** Time to first content token (after reasoning), when different from TTFT. */
  ttfctMs: LatencyStats;
  tpotMs: LatencyStats;
  itlMs: LatencyStats;
  e2eMs: LatencyStats;
  /** Output tokens per second per request (1/TPOT), distribution across requests. */
  outputSpeedTokPerS: LatencyStats;
  inputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  requestsPerSec: number;
  inputTokensPerSec: number;
  outputTokensPerSec: number;
  totalTokensPerSec: number;
  /** Requests/s that met every SLO given with --slo; null without SLOs. */
  goodputPerSec: number | null;
  /** Images generated (this.llm.images()), and per second of the run. */
  images?: number;
  imagesPerSec?: number;
  /** Seconds of audio: spoken (speech) or transcribed (transcriptions). */
  audioSeconds?: number;
  /** Audio seconds per second of e2e, per request (real-time factor's inverse). */
  audioSpeed?: LatencyStats;
  /** Characters of text sent to speech. */
  inputChars?: number;
  errorsByKind: Record<string, number>;
  /**
   * The same figures per request name (default: the API path, e.g. `/v1/embeddings`)
   * and per user class; absent inside these entries and in summaries written
   * before they were added. An embeddings or rerank request's E2E is in its
   * name's entry only (docs/llm-metrics.md, "Totals, names and classes").
   */
  byName?: Record<string, LlmSummary>;
  byClass?: Record<string, LlmSummary>;
  /** With --retries: tries made again after a failure, in all and by request name (each failed try is also in `failures`). Absent when none. */
  retries?: number;
  retriesByName?: Record<string, number>;
}

export interface HistoryRow {
  /** Seconds since the start of the run. */
  t: number;
  timestamp: string;
  users: number;
  rps: number;
  failuresPerSec: number;
  /** null for a second in which no request completed (an empty cell in history.csv, a gap in charts). */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** LLM per-second figures when present. */
  ttftP50Ms?: number;
  ttftP99Ms?: number;
  outputTokensPerSec?: number;
  stage?: string;
  /** User actions made during this second (startRun's handle, the web UI), e.g. `setUsers 5`; several joined by `; `. */
  action?: string;
  /** The server's own figures at this second (--server-metrics), by common name (docs/telemetry.md). */
  server?: Record<string, number>;
}

/** A change of the load made while the run ran (the same shape as src/run/handle.ts UserAction). */
export interface RunAction {
  /** Milliseconds since the load started. */
  atMs: number;
  action: 'setUsers' | 'setRate' | 'resetStats' | 'stop';
  users?: number;
  spawnRate?: number;
  ratePerSec?: number;
  reason?: string;
}

export interface ThresholdResult {
  expression: string;
  ok: boolean;
  /** The observed value in the expression's unit. */
  value: number | null;
  /**
   * The unit `value` is in: `ms`, `s`, `m` or `%`; absent for a plain number or
   * a fraction, and in summaries written before it was added.
   */
  unit?: 'ms' | 's' | 'm' | '%' | '';
  abortOnFail?: boolean;
  /** Why there is no value, when its name was folded past --max-names. */
  note?: string;
}

export interface StageSummary {
  name: string;
  concurrency?: number;
  traffic?: string;
  /** A --batch-size sweep's batch: texts per embeddings request, documents per rerank. */
  batchSize?: number;
  durationMs: number;
  total: EndpointSummary;
  endpoints: EndpointSummary[];
  llm?: LlmSummary;
  /** A rate sweep's or a capacity step's arrival rate, per second. */
  ratePerSec?: number;
  /** Whether the stage over-saturated (docs/capacity.md). */
  saturation?: Saturation;
}

/** Over-saturation of a run or a stage by the documented rule (docs/capacity.md, "Over-saturation"). */
export interface Saturation {
  saturated: boolean;
  /** One line per part of the rule that fired; empty when not saturated. */
  reasons: string[];
}

/** One step of the capacity search: its level, each objective's figure, and its verdict. */
export interface CapacityStep {
  /** Requests (arrivals) per second, or users with by: 'users'. */
  level: number;
  passed: boolean;
  /** Each --slo objective's value at this step, in the objective's unit (null: no data). */
  figures: Record<string, number | null>;
  /** The objectives it failed ('saturated' when the step over-saturated). */
  failed: string[];
  saturated: boolean;
  /** Why it counted as saturated. */
  saturation?: string[];
  /** Measured time, warm-up excluded. */
  durationMs: number;
  /** Requests completed per second in the step. */
  rps: number;
}

/** The answer of --find-capacity (docs/capacity.md). */
export interface CapacitySummary {
  /** The highest level that met every objective; null when even the lowest failed. */
  value: number | null;
  unit: 'requests/s' | 'users';
  by: 'rate' | 'users';
  /** found: between lastPass and firstFail; lowest-fails; max-reached: the highest level searched passed; max-steps; stopped: the run ended first. */
  outcome: 'found' | 'lowest-fails' | 'max-reached' | 'max-steps' | 'stopped';
  /** The objective that gave out first: the one furthest past its limit at the lowest failing level. */
  failedFirst?: string;
  lastPass: number | null;
  firstFail: number | null;
  /** (firstFail − lastPass) / lastPass: the capacity lies in [lastPass, firstFail). */
  gap?: number;
  objectives: string[];
  /** One line saying the answer, as printed. */
  message: string;
  steps: CapacityStep[];
}

/**
 * What a run of an experiment was run against (`--experiment-dir`, `--server-*`;
 * docs/experiments.md): `bench plot` and `bench export` group and label runs by it.
 */
export interface ExperimentMeta {
  /** The run's folder name under --experiment-dir (`openai_vllm_llama-3-8b_20261206_141503`). */
  name: string;
  provider?: string;
  serverEngine?: string;
  serverVersion?: string;
  serverGpuType?: string;
  serverGpuCount?: number;
  model?: string;
  /** Traffic shapes of the run (--traffic, else the LLM classes' `traffic`). */
  traffic: string[];
  /** The resolved options, secrets removed (as meta.options). */
  options: Record<string, unknown>;
  volleyVersion: string;
  /** ISO time the run was planned at (the folder's timestamp). */
  startedAt: string;
}

/** A failure and how often it happened (same request, same message). */
export interface ErrorCount {
  method: string;
  name: string;
  message: string;
  count: number;
  /** A task's exception (method `TASK`): where the scenario threw it, `file:line` of its .ts (source-mapped), as first seen. */
  location?: string;
  /** A task's exception: its first stack frames in the scenario's own files (not Volley's, not node_modules'). */
  frames?: string[];
}

/** The figures every level of a summary has: the run, each scenario (aggregateFigures builds them). */
export interface SummaryFigures {
  total: EndpointSummary;
  endpoints: EndpointSummary[];
  /**
   * Task runs and the exceptions thrown by each task (kept apart from the
   * requests, as Locust does). Hook failures (`Class.onStart`, `Class.onStop`,
   * `Class.constructor`) are errors without runs. `errors` is absent in
   * summaries written before it was added.
   */
  tasks: Array<{ name: string; runs: number; errors?: number }>;
  /** Most frequent first (errorList). */
  errors: ErrorCount[];
  checks: Array<{ name: string; passes: number; fails: number }>;
  counters: Record<string, number>;
  /** schedule_delay, latency_from_intended, latency_corrected and custom trends. */
  trends: Record<string, LatencyStats>;
}

/** One scenario of a run with several (`scenarios` option; docs/load-models.md): its own figures. */
export interface ScenarioSummary extends SummaryFigures {
  name: string;
  /** The load model: constant-users, ramping-users, load-shape, constant-arrival-rate, ramping-arrival-rate. */
  executor: string;
  /** When it started, in ms after the load started. */
  startTimeMs: number;
  /** How long it ran, ms. */
  durationMs: number;
  /** Why it ended ('duration reached', 'stages done', …; '' when the run ended first). */
  endReason: string;
  /** The most users the model asked for at once (open models: maxUsers). */
  peakUsers: number;
}

export interface RunSummary extends SummaryFigures {
  version: typeof SUMMARY_VERSION;
  /** The load generator could not keep up (docs/summary-json.md, "Overloaded generator"): latencies include its own delays. */
  generatorOverloaded?: boolean;
  /** How, when generatorOverloaded is true. */
  generatorOverload?: {
    /** One line: how often and how badly, and what to do. */
    reason: string;
    /** Snapshot intervals in which some worker was past a limit, of all the run's intervals. */
    overloadedIntervals: number;
    intervals: number;
    /** The worst event-loop delay (p99 of an interval, ms) and event-loop busy share (0..1) a worker reported. */
    maxEventLoopDelayMs: number;
    maxCpu: number;
  };
  /** Every warning the run printed (stderr's `warning:` lines), in order. */
  warnings?: string[];
  /** Changes of the load made while the run ran (setUsers, setRate, resetStats, stop), in order; absent when none. */
  actions?: RunAction[];
  meta: {
    tool: 'volley';
    toolVersion: string;
    scenario: string;
    startTime: string;
    endTime: string;
    durationMs: number;
    workers: number;
    users: number;
    /** The resolved options (secrets removed). */
    options: Record<string, unknown>;
    interrupted: boolean;
    stopReason: string;
    exitCode?: number;
    /** Hash of the scenario's source files (paths relative to the scenario), so bench merge knows one scenario by content. */
    scenarioHash?: string;
    /** Set by bench merge when the segments merged are not the whole plan (an instance missing): one line per gap or overlap. */
    incomplete?: string[];
    /**
     * What did not finish in time (docs/exit-codes.md#hangs): a setup()/teardown()
     * or a user's onStart()/onStop() past --lifecycle-timeout, a worker that did
     * not stop within --stop-timeout (terminated). Absent when nothing did.
     */
    timedOut?: string[];
    /** Requests and tasks cut short by the end of the run (in flight at the stop): not failures, not completed. */
    abortedAtStop?: number;
    /** teardown() threw (its message); the results were written before it ran. */
    teardownError?: string;
  };
  llm?: LlmSummary;
  stages?: StageSummary[];
  /** The experiment this run belongs to (--experiment-dir or --server-*); absent otherwise. */
  experiment?: ExperimentMeta;
  /** --find-capacity's answer (docs/capacity.md). */
  capacity?: CapacitySummary;
  /** Whether the run over-saturated (docs/capacity.md); absent for a run too short to judge. */
  saturation?: Saturation;
  /** Per scenario, when the options have `scenarios` (the totals above cover them all). */
  scenarios?: ScenarioSummary[];
  thresholds?: ThresholdResult[];
  /** Request names: distinct count, the cap, folded requests, and the warning when they look like ids in URLs. */
  names?: NamesSummary;
  /** The inference server's own figures scraped during the run (--server-metrics; docs/telemetry.md). */
  server?: ServerFigures;
  /** The load generator's own health over the run: worker CPU, event-loop delay, the bottleneck warning. */
  generator?: GeneratorHealth;
  history: HistoryRow[];
  /**
   * Encoded HDR histograms, so runs can be merged exactly (bench merge), with
   * the exact min and max in µs that the encoding alone does not keep
   * (absent in files of earlier versions: the merge then reports bucket tops).
   */
  histograms: {
    endpoints: Array<{ method: string; name: string; latency: string; minUs?: number; maxUs?: number }>;
    trends: Array<{ name: string; histogram: string; minUs?: number; maxUs?: number }>;
    /** LLM counters and series per request name and user class (absent before they were added, and without LLM requests). */
    llm?: LlmGroupDelta[];
  };
}
