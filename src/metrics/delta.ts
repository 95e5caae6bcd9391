import type { LlmGroupDelta } from './llm-groups.js';

/**
 * What a worker sends to the main thread every second: the counts and encoded
 * HDR histograms recorded since the previous delta. Plain data, structured-clone safe.
 */
export interface EndpointDelta {
  /** HTTP method, or another request type (e.g. 'LLM', 'grpc'). */
  method: string;
  /** Statistics grouping name (default: the path). */
  name: string;
  requests: number;
  failures: number;
  /** Requests cut off by the end of the run; not failures. */
  aborted: number;
  bytes: number;
  /** Compressed base64 HDR histogram of latencies in µs; '' when empty or sent as `buckets`. */
  latency: string;
  /** A sparse histogram instead (compact-histogram.ts): [countsIndex, count, …] of the same HDR shape. */
  buckets?: number[];
  /** The exact fastest and slowest latency in µs (the encoding keeps buckets only); absent when empty. */
  minUs?: number;
  maxUs?: number;
}

/** A named series' histogram of µs values, with its exact extremes. */
export interface TrendDelta {
  name: string;
  histogram: string;
  minUs?: number;
  maxUs?: number;
}

export interface ErrorDelta {
  method: string;
  name: string;
  message: string;
  count: number;
  /** A task's exception: where in the scenario it was thrown (ErrorCount). */
  location?: string;
  frames?: string[];
}

export interface MetricsDelta {
  endpoints: EndpointDelta[];
  /** Named latency-like series (e.g. 'llm.ttft'), each an encoded histogram of µs values. */
  trends: TrendDelta[];
  /** Named counters (e.g. 'llm.output_tokens', 'dropped_iterations'). */
  counters: Record<string, number>;
  /** Per check name: [passes, fails]. */
  checks: Record<string, [number, number]>;
  errors: ErrorDelta[];
  /** Task runs by task name. */
  tasks: Record<string, number>;
  /** Exceptions thrown by tasks and hooks, by task name (absent in deltas of earlier versions). */
  taskErrors?: Record<string, number>;
  /** The most full HDR histograms the worker's recorder held at once so far (memory check, summary.json names). */
  fullHistogramsPeak?: number;
  /** LLM figures per request name and user class recorded in the interval (llm-groups.ts); absent when none. */
  llm?: LlmGroupDelta[];
}
