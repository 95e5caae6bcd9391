import { Registry, type Metric } from 'prom-client';
import type { LatencyStats } from '../metrics/histogram.js';
import type { LiveSnapshot, WorkerHealth } from '../metrics/live-snapshot.js';
import type { EndpointSummary, ErrorCount, LlmSummary, RunSummary } from '../metrics/summary-types.js';

/** What the exported series are read from: the latest live snapshot, then the final summary. */
export interface FiguresView {
  endpoints: EndpointSummary[];
  errors: ErrorCount[];
  llm?: LlmSummary;
  users: number;
  targetUsers: number;
  health: WorkerHealth[];
  /** The server's latest figures (--server-metrics), by common name. */
  server?: Record<string, number>;
}

export function viewOfSnapshot(s: LiveSnapshot): FiguresView {
  return { endpoints: s.endpoints, errors: s.errors, llm: s.llm, users: s.users, targetUsers: s.targetUsers, health: s.health, server: s.server?.current };
}

/** The final figures; health and the server's last values stay those of the last snapshot. */
export function viewOfSummary(s: RunSummary, last: FiguresView | undefined): FiguresView {
  return { endpoints: s.endpoints, errors: s.errors, llm: s.llm, users: last?.users ?? 0, targetUsers: last?.targetUsers ?? 0, health: last?.health ?? [], server: last?.server };
}

type Labels = Record<string, string>;
interface Value {
  labels: Labels;
  value: number;
  /** A summary's `_sum` and `_count` lines. */
  metricName?: string;
}

/** The exact quantiles of Volley's HDR histograms, exported as a Prometheus summary. */
const QUANTILES: Array<[string, keyof LatencyStats]> = [
  ['0.5', 'p50'],
  ['0.9', 'p90'],
  ['0.95', 'p95'],
  ['0.99', 'p99'],
  ['0.999', 'p999'],
];

function summaryValues(name: string, labels: Labels, ms: LatencyStats | undefined): Value[] {
  if (!ms || ms.count === 0) return [];
  return [
    ...QUANTILES.map(([q, k]) => ({ labels: { ...labels, quantile: q }, value: ms[k] / 1000 })),
    { labels, value: (ms.mean * ms.count) / 1000, metricName: `${name}_sum` },
    { labels, value: ms.count, metricName: `${name}_count` },
  ];
}

/** A failure's kind, few enough values for a label: `http_503`, `ECONNREFUSED`, `timeout`, `other`. */
export function failureKind(message: string): string {
  const http = /\bHTTP (\d{3})\b/.exec(message) ?? /\b(?:status|code) (\d{3})\b/i.exec(message);
  if (http) return `http_${http[1]}`;
  const code = /\b(E[A-Z_]{3,})\b/.exec(message);
  if (code) return code[1]!;
  if (/time(?:d)? ?out/i.test(message)) return 'timeout';
  return 'other';
}

const endpointLabels = (e: { name: string; method: string }): Labels => ({ name: e.name, method: e.method });

/**
 * Every series Volley exports (docs/telemetry.md, "Volley's series"): name,
 * type, help and how it is read from the figures. Latencies are summaries
 * whose quantiles are the HDR histograms' exact ones over the run.
 */
const SERIES: Array<{ name: string; type: 'counter' | 'gauge' | 'summary'; help: string; read: (v: FiguresView) => Value[] }> = [
  { name: 'volley_requests_total', type: 'counter', help: 'Requests completed (failed ones included), by request name and method.', read: (v) => v.endpoints.map((e) => ({ labels: endpointLabels(e), value: e.requests })) },
  {
    name: 'volley_request_failures_total',
    type: 'counter',
    help: 'Failed requests, by request name, method and kind of failure (http_<status>, an error code, timeout, other).',
    read: (v) => {
      const sums = new Map<string, Value>();
      for (const e of v.errors) {
        if (e.method === 'TASK') continue;
        const labels = { name: e.name, method: e.method, kind: failureKind(e.message) };
        const key = JSON.stringify(labels);
        const seen = sums.get(key);
        if (seen) seen.value += e.count;
        else sums.set(key, { labels, value: e.count });
      }
      return [...sums.values()];
    },
  },
  { name: 'volley_request_duration_seconds', type: 'summary', help: 'Response time of the requests, exact quantiles of the run so far (HDR histograms).', read: (v) => v.endpoints.flatMap((e) => summaryValues('volley_request_duration_seconds', endpointLabels(e), e.latencyMs)) },
  { name: 'volley_users', type: 'gauge', help: 'Virtual users running now.', read: (v) => [{ labels: {}, value: v.users }] },
  { name: 'volley_users_target', type: 'gauge', help: 'Virtual users the load model asks for now (open models: the most in flight).', read: (v) => [{ labels: {}, value: v.targetUsers }] },
  { name: 'volley_llm_requests_total', type: 'counter', help: 'LLM requests completed.', read: (v) => (v.llm ? [{ labels: {}, value: v.llm.requests }] : []) },
  { name: 'volley_llm_ttft_seconds', type: 'summary', help: 'Time to first token of LLM requests, exact quantiles.', read: (v) => summaryValues('volley_llm_ttft_seconds', {}, v.llm?.ttftMs) },
  { name: 'volley_llm_tpot_seconds', type: 'summary', help: 'Time per output token after the first, exact quantiles.', read: (v) => summaryValues('volley_llm_tpot_seconds', {}, v.llm?.tpotMs) },
  { name: 'volley_llm_e2e_seconds', type: 'summary', help: 'End-to-end latency of LLM requests, exact quantiles.', read: (v) => summaryValues('volley_llm_e2e_seconds', {}, v.llm?.e2eMs) },
  { name: 'volley_llm_output_tokens_total', type: 'counter', help: 'Output tokens received.', read: (v) => (v.llm ? [{ labels: {}, value: v.llm.outputTokens }] : []) },
  { name: 'volley_llm_input_tokens_total', type: 'counter', help: 'Input (prompt) tokens sent.', read: (v) => (v.llm ? [{ labels: {}, value: v.llm.inputTokens }] : []) },
  { name: 'volley_worker_cpu_ratio', type: 'gauge', help: "A worker thread's event-loop busy share over the last interval, 0..1.", read: (v) => v.health.map((h) => ({ labels: { worker: String(h.index) }, value: h.cpu })) },
  { name: 'volley_worker_event_loop_delay_seconds', type: 'gauge', help: "A worker thread's event-loop delay (p99 of the last interval).", read: (v) => v.health.map((h) => ({ labels: { worker: String(h.index) }, value: h.eventLoopDelayMs / 1000 })) },
  { name: 'volley_server_metric', type: 'gauge', help: "The target server's own figures scraped with --server-metrics, by common name (series).", read: (v) => Object.entries(v.server ?? {}).map(([series, value]) => ({ labels: { series }, value })) },
];

/** The names of every exported series, for the docs' table and tests. */
export const VOLLEY_SERIES = SERIES.map(({ name, type, help }) => ({ name, type, help }));

/**
 * A prom-client registry whose series read the current view at each
 * collection. Custom metric objects (prom-client renders any object with
 * `get()`): its own Summary estimates quantiles, and Volley has them exact.
 */
export class VolleySeries {
  readonly registry = new Registry();
  private view: FiguresView = { endpoints: [], errors: [], users: 0, targetUsers: 0, health: [] };

  constructor() {
    for (const s of SERIES) {
      const metric = { name: s.name, help: s.help, type: s.type, aggregator: 'sum', get: async () => ({ name: s.name, help: s.help, type: s.type, aggregator: 'sum', values: s.read(this.view) }) };
      this.registry.registerMetric(metric as unknown as Metric);
    }
  }

  /** The figures the next collection reads. */
  update(view: FiguresView): void {
    this.view = view;
  }

  get current(): FiguresView {
    return this.view;
  }
}
