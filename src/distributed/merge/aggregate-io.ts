import { UserError } from '../../errors.js';
import { MetricsAggregate } from '../../metrics/aggregate.js';
import type { MetricsDelta } from '../../metrics/delta.js';
import { decodeHistogram, encodeHistogram, exactRange } from '../../metrics/histogram.js';
import { buildLlmSummary } from '../../metrics/llm-summary.js';
import type { HistoryRow, RunSummary, StageSummary } from '../../metrics/summary-types.js';
import { SUMMARY_VERSION } from '../../metrics/summary-types.js';
import { aggregateFigures, summaryHistograms } from '../../metrics/summarize.js';

/**
 * Rebuilds the exact metrics of a run from its summary.json: counts from the
 * endpoint rows, latencies from the encoded HDR histograms (not from the
 * rounded percentiles), trends, counters, checks, errors and task runs.
 */
export function aggregateFromSummary(summary: RunSummary, source: string, maxNames?: number): MetricsAggregate {
  const agg = new MetricsAggregate(maxNames);
  const latency = new Map(summary.histograms.endpoints.map((h) => [`${h.method} ${h.name}`, h]));
  for (const e of summary.endpoints) {
    const acc = agg.endpoint(e.method, e.name);
    acc.requests += e.requests;
    acc.failures += e.failures;
    acc.aborted += e.aborted ?? 0;
    acc.bytes += e.bytes;
    const encoded = latency.get(`${e.method} ${e.name}`);
    if (encoded?.latency) acc.latency.addHistogram(decodeHistogram(encoded.latency, encoded));
    else if (e.latencyMs.count > 0) {
      throw new UserError(
        `${source}: endpoint "${e.method} ${e.name}" has ${e.latencyMs.count} latencies but no encoded histogram, so it cannot be merged exactly`,
        'merge summaries written by `bench run --out` of this version (they carry `histograms`)',
        'E_MERGE',
      );
    }
  }
  for (const t of summary.histograms.trends) agg.trend(t.name).add(decodeHistogram(t.histogram, t));
  if (summary.histograms.llm) agg.llm.addDeltas(summary.histograms.llm);
  const checks: MetricsDelta['checks'] = {};
  for (const c of summary.checks) checks[c.name] = [c.passes, c.fails];
  const tasks: MetricsDelta['tasks'] = {};
  const taskErrors: Record<string, number> = {};
  for (const t of summary.tasks) {
    tasks[t.name] = t.runs;
    if (t.errors) taskErrors[t.name] = t.errors;
  }
  const plain = new MetricsAggregate(maxNames);
  plain.addDelta({ endpoints: [], trends: [], counters: summary.counters ?? {}, checks, errors: summary.errors, tasks, taskErrors });
  agg.addAggregate(plain);
  return agg;
}

/** The encoded form of an aggregate (what a worker sends, what the live view publishes). */
export function aggregateToDelta(agg: MetricsAggregate): MetricsDelta {
  return {
    endpoints: [...agg.endpoints.values()].map((e) => ({
      method: e.method,
      name: e.name,
      requests: e.requests,
      failures: e.failures,
      aborted: e.aborted,
      bytes: e.bytes,
      ...(e.latency.totalCount > 0 ? { latency: e.latency.encode(), ...e.latency.range() } : { latency: '' }),
    })),
    trends: [...agg.trends].filter(([, h]) => h.totalCount > 0).map(([name, histogram]) => ({ name, histogram: encodeHistogram(histogram), ...exactRange(histogram) })),
    counters: { ...agg.counters },
    checks: Object.fromEntries(Object.entries(agg.checks).map(([k, v]) => [k, [v[0], v[1]]])),
    errors: [...agg.errors.values()].map((e) => ({ ...e })),
    tasks: { ...agg.tasks },
    taskErrors: { ...agg.taskErrors },
    ...(agg.llm.size > 0 && { llm: agg.llm.toDeltas() }),
  };
}

export interface SummaryParts {
  meta: RunSummary['meta'];
  hasSlo: boolean;
  history: HistoryRow[];
  stages?: StageSummary[];
}

/**
 * Builds a summary from an aggregate with the same functions the engine uses
 * (aggregateFigures, buildLlmSummary), so a merged summary reads exactly as
 * a single run's would for the same samples.
 */
export function summaryFromAggregate(agg: MetricsAggregate, parts: SummaryParts): RunSummary {
  const sec = parts.meta.durationMs / 1000;
  return {
    version: SUMMARY_VERSION,
    meta: parts.meta,
    ...aggregateFigures(agg, sec),
    llm: buildLlmSummary(agg, sec, parts.hasSlo),
    stages: parts.stages?.length ? parts.stages : undefined,
    history: parts.history,
    histograms: summaryHistograms(agg),
  };
}
