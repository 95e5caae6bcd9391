import type { LatencyStats } from '../../metrics/histogram.js';
import type { EndpointSummary, LlmSummary, StageSummary } from '../../metrics/summary-types.js';

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Merges latency statistics without their histograms: count, min, max and
 * mean are exact; the percentiles are the count-weighted mean of the inputs'
 * (an approximation, used only for stages, which keep no histograms).
 */
export function mergeLatencyStats(list: readonly LatencyStats[]): LatencyStats {
  const some = list.filter((s) => s.count > 0);
  const count = some.reduce((a, s) => a + s.count, 0);
  if (count === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  const w = (f: (s: LatencyStats) => number) => r3(some.reduce((a, s) => a + f(s) * s.count, 0) / count);
  const max = Math.max(...some.map((s) => s.max));
  const cap = (x: number) => Math.min(x, max);
  return {
    count,
    min: Math.min(...some.map((s) => s.min)),
    mean: w((s) => s.mean),
    p50: cap(w((s) => s.p50)),
    p90: cap(w((s) => s.p90)),
    p95: cap(w((s) => s.p95)),
    p99: cap(w((s) => s.p99)),
    p999: cap(w((s) => s.p999)),
    max,
  };
}

function mergeEndpoints(list: readonly EndpointSummary[]): EndpointSummary {
  const first = list[0]!;
  const sum = (f: (e: EndpointSummary) => number) => list.reduce((a, e) => a + f(e), 0);
  return {
    name: first.name,
    method: first.method,
    requests: sum((e) => e.requests),
    failures: sum((e) => e.failures),
    aborted: sum((e) => e.aborted ?? 0),
    // Instances ran the stage side by side: their rates add up.
    rps: r3(sum((e) => e.rps)),
    failuresPerSec: r3(sum((e) => e.failuresPerSec)),
    bytes: sum((e) => e.bytes),
    latencyMs: mergeLatencyStats(list.map((e) => e.latencyMs)),
  };
}

function mergeLlm(list: readonly LlmSummary[]): LlmSummary | undefined {
  if (list.length === 0) return undefined;
  const sum = (f: (l: LlmSummary) => number) => list.reduce((a, l) => a + f(l), 0);
  const errorsByKind: Record<string, number> = {};
  for (const l of list) for (const [k, n] of Object.entries(l.errorsByKind)) errorsByKind[k] = (errorsByKind[k] ?? 0) + n;
  const goodput = list.every((l) => l.goodputPerSec === null) ? null : sum((l) => l.goodputPerSec ?? 0);
  const merged: LlmSummary = {
    requests: sum((l) => l.requests),
    failures: sum((l) => l.failures),
    ttftMs: mergeLatencyStats(list.map((l) => l.ttftMs)),
    ttfctMs: mergeLatencyStats(list.map((l) => l.ttfctMs)),
    tpotMs: mergeLatencyStats(list.map((l) => l.tpotMs)),
    itlMs: mergeLatencyStats(list.map((l) => l.itlMs)),
    e2eMs: mergeLatencyStats(list.map((l) => l.e2eMs)),
    outputSpeedTokPerS: mergeLatencyStats(list.map((l) => l.outputSpeedTokPerS)),
    inputTokens: sum((l) => l.inputTokens),
    outputTokens: sum((l) => l.outputTokens),
    reasoningTokens: sum((l) => l.reasoningTokens),
    requestsPerSec: sum((l) => l.requestsPerSec),
    inputTokensPerSec: sum((l) => l.inputTokensPerSec),
    outputTokensPerSec: sum((l) => l.outputTokensPerSec),
    totalTokensPerSec: sum((l) => l.totalTokensPerSec),
    goodputPerSec: goodput,
    errorsByKind,
  };
  const byName = mergeLlmGroups(list.map((l) => l.byName));
  if (byName) merged.byName = byName;
  const byClass = mergeLlmGroups(list.map((l) => l.byClass));
  if (byClass) merged.byClass = byClass;
  return merged;
}

/** Per-name (or per-class) LLM figures of a stage, merged key by key as the totals are. */
function mergeLlmGroups(list: ReadonlyArray<Record<string, LlmSummary> | undefined>): Record<string, LlmSummary> | undefined {
  const byKey = new Map<string, LlmSummary[]>();
  for (const groups of list) for (const [k, l] of Object.entries(groups ?? {})) byKey.set(k, [...(byKey.get(k) ?? []), l]);
  if (byKey.size === 0) return undefined;
  const out: Record<string, LlmSummary> = {};
  for (const k of [...byKey.keys()].sort()) out[k] = mergeLlm(byKey.get(k)!)!;
  return out;
}

/**
 * Merges the stages of a sweep by name, in the order they first appear.
 * Counts, bytes and rates are exact; percentiles are approximate, as stages
 * keep no histograms (see mergeLatencyStats).
 */
export function mergeStages(perInstance: ReadonlyArray<StageSummary[] | undefined>): StageSummary[] | undefined {
  const byName = new Map<string, StageSummary[]>();
  for (const stages of perInstance) for (const s of stages ?? []) {
    const l = byName.get(s.name);
    if (l) l.push(s);
    else byName.set(s.name, [s]);
  }
  if (byName.size === 0) return undefined;
  return [...byName.values()].map((list) => {
    const endpoints = new Map<string, EndpointSummary[]>();
    for (const s of list) for (const e of s.endpoints) {
      const k = `${e.method} ${e.name}`;
      const l = endpoints.get(k);
      if (l) l.push(e);
      else endpoints.set(k, [e]);
    }
    const first = list[0]!;
    return {
      name: first.name,
      // Stages are named by the whole plan's concurrency (each instance runs its share of it).
      concurrency: first.concurrency,
      traffic: first.traffic,
      durationMs: Math.max(...list.map((s) => s.durationMs)),
      total: mergeEndpoints(list.map((s) => s.total)),
      endpoints: [...endpoints.values()].map(mergeEndpoints).sort((a, b) => a.method.localeCompare(b.method) || a.name.localeCompare(b.name)),
      llm: mergeLlm(list.flatMap((s) => (s.llm ? [s.llm] : []))),
    };
  });
}
