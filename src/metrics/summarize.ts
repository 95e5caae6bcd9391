import { encodeHistogram, exactRange } from './histogram.js';
import type { EndpointTotals, MetricsAggregate } from './aggregate.js';
import type { EndpointSummary, ErrorCount, RunSummary, SummaryFigures } from './summary-types.js';

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export function endpointSummary(e: EndpointTotals, durationSec: number): EndpointSummary {
  const d = durationSec > 0 ? durationSec : 1;
  return {
    name: e.name,
    method: e.method,
    requests: e.requests,
    failures: e.failures,
    aborted: e.aborted,
    rps: r3(e.requests / d),
    failuresPerSec: r3(e.failures / d),
    bytes: e.bytes,
    latencyMs: e.latency.stats(),
  };
}

/** Endpoints sorted by method then name, like Locust's table. */
export function endpointSummaries(agg: MetricsAggregate, durationSec: number): EndpointSummary[] {
  return [...agg.endpoints.values()]
    .map((e) => endpointSummary(e, durationSec))
    .sort((a, b) => a.method.localeCompare(b.method) || a.name.localeCompare(b.name));
}

/**
 * The encoded histograms of summary.json, each with its exact min and max in
 * µs, so that bench merge rebuilds exactly what the run measured.
 */
export function summaryHistograms(agg: MetricsAggregate): RunSummary['histograms'] {
  const histograms: RunSummary['histograms'] = {
    endpoints: [...agg.endpoints.values()].filter((e) => e.latency.totalCount > 0).map((e) => ({ method: e.method, name: e.name, latency: e.latency.encode(), ...e.latency.range() })),
    trends: [...agg.trends].map(([name, h]) => ({ name, histogram: encodeHistogram(h), ...(h.totalCount > 0 ? exactRange(h) : {}) })),
  };
  if (agg.llm.size > 0) histograms.llm = agg.llm.toDeltas();
  return histograms;
}

/** Errors grouped by request and message, most frequent first. */
export function errorList(agg: MetricsAggregate): ErrorCount[] {
  return [...agg.errors.values()].sort((a, b) => b.count - a.count);
}

/** Checks with their passes and fails, in the order they were first seen. */
export function checkList(agg: MetricsAggregate): SummaryFigures['checks'] {
  return Object.entries(agg.checks).map(([name, [passes, fails]]) => ({ name, passes, fails }));
}

/** Task runs and exceptions by task, most runs first; hooks that threw have errors and no runs. */
export function taskList(agg: MetricsAggregate): SummaryFigures['tasks'] {
  const names = new Set([...Object.keys(agg.tasks), ...Object.keys(agg.taskErrors)]);
  return [...names].map((name) => ({ name, runs: agg.tasks[name] ?? 0, errors: agg.taskErrors[name] ?? 0 })).sort((a, b) => b.runs - a.runs || b.errors - a.errors);
}

/** All task runs and task errors of a summary or live snapshot (hooks that threw count as errors). */
export function taskTotals(tasks: ReadonlyArray<{ runs: number; errors?: number }>): { runs: number; errors: number } {
  let runs = 0;
  let errors = 0;
  for (const t of tasks) {
    runs += t.runs;
    errors += t.errors ?? 0;
  }
  return { runs, errors };
}

/** The figures every summary level (run, scenario) reports from one aggregate. */
export function aggregateFigures(agg: MetricsAggregate, durationSec: number): SummaryFigures {
  return {
    total: endpointSummary(agg.total(), durationSec),
    endpoints: endpointSummaries(agg, durationSec),
    tasks: taskList(agg),
    errors: errorList(agg),
    checks: checkList(agg),
    counters: { ...agg.counters },
    trends: Object.fromEntries([...agg.trends.keys()].map((k) => [k, agg.trendStats(k)])),
  };
}
