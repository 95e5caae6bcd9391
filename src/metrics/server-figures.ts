/**
 * The inference server's own figures, scraped from its Prometheus /metrics
 * during the run (--server-metrics; docs/telemetry.md). Plain data: summary.json,
 * the live snapshot and the thresholds (`server.kv_cache_usage.max<0.95`) read it.
 */

/** One series over a stretch of the run: the values of its per-second samples. */
export interface ServerSeriesStats {
  min: number;
  max: number;
  mean: number;
  /** The latest sample. */
  last: number;
  /** Samples taken. */
  samples: number;
}

export interface ServerFigures {
  /** The scraped URLs, without credentials. */
  sources: string[];
  /** Scrapes tried and failed, all URLs together. */
  scrapes: number;
  failures: number;
  /** By common name (`kv_cache_usage`, …) or by the name given to --server-metric. */
  series: Record<string, ServerSeriesStats>;
  /** Per stage of a sweep, by stage name (warm-up excluded); absent for a run without stages. */
  perStage?: Record<string, Record<string, ServerSeriesStats>>;
  /** Live only (the snapshot): the latest per-second values, by the same names. */
  current?: Record<string, number>;
}

/** The statistics a threshold may name on a server series. */
export const SERVER_STATS = ['min', 'max', 'mean', 'last'] as const;
export type ServerStat = (typeof SERVER_STATS)[number];

/**
 * The common names Volley maps each server's own names to, with what the number is:
 * a `ratio` is a fraction 0..1 (thresholds take % or a fraction), a `count` a plain number.
 */
export const SERVER_SERIES: ReadonlyArray<{ name: string; kind: 'ratio' | 'count'; description: string }> = [
  { name: 'requests_running', kind: 'count', description: 'requests the server is running (in its batch)' },
  { name: 'requests_waiting', kind: 'count', description: 'requests queued at the server, not yet running' },
  { name: 'kv_cache_usage', kind: 'ratio', description: 'share of the KV cache in use, 0..1' },
  { name: 'prefix_cache_hit_rate', kind: 'ratio', description: 'share of prompt tokens found in the prefix cache, 0..1' },
  { name: 'preemptions', kind: 'count', description: 'requests preempted since the run started' },
  { name: 'generation_tokens_per_s', kind: 'count', description: 'tokens the server generated per second' },
  { name: 'prompt_tokens_per_s', kind: 'count', description: 'prompt tokens the server processed per second' },
];
