import type { LatencyStats } from '../metrics/histogram.js';
import type { LlmSummary, RunSummary } from '../metrics/summary-types.js';
import type { LiveSnapshot } from '../metrics/live-snapshot.js';
import { endpointFigures, type EndpointFigures } from './endpoint-figures.js';
import { taskTotals } from '../metrics/summarize.js';
import type { MetricKind, Stat } from './threshold.js';
import { SERVER_SERIES, SERVER_STATS } from '../metrics/server-figures.js';

/** What thresholds are evaluated against: the final summary, or the live figures during a run. */
export type ThresholdView = RunSummary | LiveSnapshot;

/**
 * Reads a metric in its base unit (ms, a fraction 0..1, or a plain number);
 * null when the view has no data for it yet.
 */
type MetricReader = (view: ThresholdView, key: string, stat: Stat) => number | null;

export interface MetricDef {
  /** How it is written: `<stat>` stands for a statistic, `[]` for a quoted name. */
  pattern: string;
  kind: MetricKind;
  /** One line for the docs and for "expected one of" messages. */
  description: string;
  read: MetricReader;
}

const stat = (s: LatencyStats | undefined, which: Stat): number | null => (s && s.count > 0 ? s[which] : null);
const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** The same four figures exist for all requests (`http`) and for one endpoint. */
function requestMetrics(group: 'http' | 'endpoint[]', figures: (view: ThresholdView, key: string) => EndpointFigures | null): MetricDef[] {
  const any = (view: ThresholdView, key: string): EndpointFigures | null => {
    const f = figures(view, key);
    return f && f.requests > 0 ? f : null;
  };
  const who = group === 'http' ? 'all requests' : 'the named endpoint';
  return [
    { pattern: `${group}.<stat>`, kind: 'duration', description: `response time of ${who}`, read: (v, k, s) => stat(any(v, k)?.latencyMs, s) },
    { pattern: `${group}.rps`, kind: 'number', description: `requests per second of ${who}`, read: (v, k) => any(v, k)?.rps ?? null },
    { pattern: `${group}.requests`, kind: 'number', description: `number of requests of ${who}`, read: (v, k) => any(v, k)?.requests ?? null },
    { pattern: `${group}.errors.rate`, kind: 'rate', description: `share of failed requests of ${who}`, read: (v, k) => { const f = any(v, k); return f ? ratio(f.failures, f.requests) : null; } },
    { pattern: `${group}.errors.count`, kind: 'number', description: `number of failed requests of ${who}`, read: (v, k) => any(v, k)?.failures ?? null },
  ];
}

const llmOf = (view: ThresholdView): LlmSummary | null => (view.llm && view.llm.requests > 0 ? view.llm : null);

/** One request name's (`llm["/v1/embeddings"]`) or user class's (`llm_class["Chatter"]`) LLM figures; null without requests. */
const llmGroupOf =
  (by: 'byName' | 'byClass') =>
  (view: ThresholdView, key: string): LlmSummary | null => {
    const g = view.llm?.[by]?.[key];
    return g && g.requests > 0 ? g : null;
  };

const LLM_SERIES: Array<[name: string, field: keyof LlmSummary, kind: MetricKind, what: string]> = [
  ['ttft', 'ttftMs', 'duration', 'time to first token'],
  ['ttfct', 'ttfctMs', 'duration', 'time to first content token (after reasoning)'],
  ['tpot', 'tpotMs', 'duration', 'time per output token after the first'],
  ['itl', 'itlMs', 'duration', 'inter-token latency (gap between streamed chunks)'],
  ['e2e', 'e2eMs', 'duration', 'end-to-end request latency'],
  ['output_speed', 'outputSpeedTokPerS', 'number', 'output tokens per second of one request'],
];

const LLM_RATES: Array<[name: string, field: keyof LlmSummary, what: string]> = [
  ['output_tokens_per_s', 'outputTokensPerSec', 'output tokens per second, all requests together'],
  ['input_tokens_per_s', 'inputTokensPerSec', 'input (prompt) tokens per second'],
  ['total_tokens_per_s', 'totalTokensPerSec', 'input and output tokens per second'],
  ['requests_per_s', 'requestsPerSec', 'completed LLM requests per second'],
  ['goodput', 'goodputPerSec', 'requests per second that met every --slo'],
];

/** The LLM figures of the totals (`llm`), of one request name (`llm[]`) or of one user class (`llm_class[]`). */
function llmMetrics(group: 'llm' | 'llm[]' | 'llm_class[]', figures: (view: ThresholdView, key: string) => LlmSummary | null): MetricDef[] {
  const of = group === 'llm' ? '' : group === 'llm[]' ? ' of the named request' : ' of the named user class';
  const defs: MetricDef[] = LLM_SERIES.map(([name, field, kind, what]) => ({
    pattern: `${group}.${name}.<stat>`,
    kind,
    description: what + of,
    read: (v: ThresholdView, k: string, s: Stat) => stat(figures(v, k)?.[field] as LatencyStats | undefined, s),
  }));
  for (const [name, field, what] of LLM_RATES) {
    defs.push({ pattern: `${group}.${name}`, kind: 'number', description: what + of, read: (v, k) => (figures(v, k)?.[field] as number | null | undefined) ?? null });
  }
  defs.push({ pattern: `${group}.errors.rate`, kind: 'rate', description: 'share of failed LLM requests' + of, read: (v, k) => { const l = figures(v, k); return l ? ratio(l.failures, l.requests) : null; } });
  return defs;
}

function checkMetrics(): MetricDef[] {
  const totals = (view: ThresholdView, key: string | null): [number, number] => {
    let passes = 0;
    let fails = 0;
    for (const c of view.checks) if (key === null || c.name === key) { passes += c.passes; fails += c.fails; }
    return [passes, fails];
  };
  return [
    { pattern: 'checks.rate', kind: 'rate', description: 'share of all checks that passed', read: (v) => { const [p, f] = totals(v, null); return ratio(p, p + f); } },
    { pattern: 'check[].rate', kind: 'rate', description: 'share of the named check that passed', read: (v, k) => { const [p, f] = totals(v, k); return ratio(p, p + f); } },
  ];
}

/** Exceptions thrown by tasks (and hooks): counted apart from the requests, as Locust does. */
function taskMetrics(): MetricDef[] {
  const totals = (view: ThresholdView) => taskTotals(view.tasks ?? []);
  return [
    { pattern: 'tasks.errors', kind: 'number', description: 'number of exceptions thrown by tasks and hooks', read: (v) => (totals(v).runs > 0 || totals(v).errors > 0 ? totals(v).errors : null) },
    { pattern: 'tasks.errors.rate', kind: 'rate', description: 'task exceptions per task run', read: (v) => { const t = totals(v); return ratio(t.errors, t.runs); } },
  ];
}

/** Custom trends (`trend('name', ms)` in a scenario) are only in the final summary. */
const trendMetric: MetricDef = {
  pattern: 'trend[].<stat>',
  kind: 'duration',
  description: 'a custom trend recorded by the scenario (final summary only)',
  read: (v, k, s) => ('trends' in v ? stat(v.trends[k], s) : null),
};

/** The server's own figures (--server-metrics; docs/telemetry.md): each common series' min, max, mean or last sample. */
function serverMetrics(): MetricDef[] {
  return SERVER_SERIES.flatMap<MetricDef>(({ name, kind, description }) =>
    SERVER_STATS.map((s) => ({
      pattern: `server.${name}.${s}`,
      kind: (kind === 'ratio' ? 'rate' : 'number') as MetricKind,
      description: `${s} of ${description} (the server's /metrics, --server-metrics)`,
      read: (v: ThresholdView) => v.server?.series[name]?.[s] ?? null,
    })),
  ).concat(
    // A series kept by its own name (--server-metric vllm:num_requests_swapped).
    SERVER_STATS.map((s) => ({
      pattern: `server_metric[].${s}`,
      kind: 'number' as MetricKind,
      description: `${s} of a series kept with --server-metric, by its name`,
      read: (v: ThresholdView, key: string) => v.server?.series[key]?.[s] ?? null,
    })),
  );
}

/** Every metric a threshold can name, by pattern. */
export const METRICS: ReadonlyMap<string, MetricDef> = new Map(
  [
    ...requestMetrics('http', (view) => view.total),
    ...requestMetrics('endpoint[]', endpointFigures),
    ...llmMetrics('llm', llmOf),
    ...llmMetrics('llm[]', llmGroupOf('byName')),
    ...llmMetrics('llm_class[]', llmGroupOf('byClass')),
    ...checkMetrics(),
    ...taskMetrics(),
    trendMetric,
    ...serverMetrics(),
  ].map((d) => [d.pattern, d]),
);

/**
 * The first segment of every pattern, with whether it takes a name in brackets
 * (`keyOptional`: it may, `llm` for the totals and `llm["/v1/embeddings"]` for one name).
 */
export const GROUPS: ReadonlyMap<string, { keyed: boolean; keyOptional?: boolean }> = new Map([
  ['http', { keyed: false }],
  ['endpoint', { keyed: true }],
  ['llm', { keyed: false, keyOptional: true }],
  ['llm_class', { keyed: true }],
  ['checks', { keyed: false }],
  ['check', { keyed: true }],
  ['tasks', { keyed: false }],
  ['trend', { keyed: true }],
  ['server', { keyed: false }],
  ['server_metric', { keyed: true }],
]);
