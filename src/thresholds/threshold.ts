/** The statistics a latency-like metric offers, in the order they are documented. */
export const STATS = ['min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const;
export type Stat = (typeof STATS)[number];

export const OPERATORS = ['<=', '>=', '==', '<', '>'] as const;
export type ComparisonOp = (typeof OPERATORS)[number];

/**
 * What a metric's number is, which decides the units an expression may use:
 * durations take ms/s/m, rates take % or a fraction, the rest take bare numbers.
 */
export type MetricKind = 'duration' | 'rate' | 'number';

/** The unit written after the limit; '' for a bare number. */
export type ValueUnit = 'ms' | 's' | 'm' | '%' | '';

/**
 * A parsed threshold: plain data, so it can be logged, compared in tests and
 * sent anywhere. `evaluateThresholds` reads the metric through the catalog.
 */
export interface Threshold {
  /** The expression as written, without the ` abort` flag: the name in results and reports. */
  expression: string;
  /** Where it came from (`--threshold`, `thresholds[2]`), for messages. */
  source: string;
  /** The catalog pattern, e.g. `endpoint[].<stat>` or `llm.output_tokens_per_s`. */
  metric: string;
  /** The name in brackets: an endpoint (`GET /cart` or `/cart`), a check or a trend. */
  key?: string;
  stat?: Stat;
  kind: MetricKind;
  op: ComparisonOp;
  /** The limit in `unit`. */
  limit: number;
  unit: ValueUnit;
  abortOnFail: boolean;
  /** With abortOnFail: do not abort before this much of the run has elapsed. */
  delayAbortEvalMs: number;
}
