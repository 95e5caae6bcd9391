import type { EndpointSummary, LlmSummary, RunSummary } from '../metrics/summary-types.js';

/** Which way is better for a figure; `none` for counts that only depend on how long a run was. */
export type Better = 'lower' | 'higher' | 'none';

export interface ComparisonRow {
  /** `GET /cart`, `Aggregated` or `LLM`. */
  scope: string;
  metric: string;
  unit: 'ms' | '/s' | '%' | 'tok/s' | '';
  a: number | null;
  b: number | null;
  /** (b − a) / a in percent; null when either side is missing, +Infinity from 0 to more. */
  changePct: number | null;
  better: Better;
  regression: boolean;
  /** Samples behind the figure on each side (requests, or the LLM series' count). */
  samples: { a: number; b: number };
  /** Fewer than MIN_SAMPLES on a side: a change is shown but never called a regression (or better). */
  fewSamples: boolean;
}

export interface Comparison {
  tolerancePct: number;
  /** The fewest samples a side needs before a change of a figure counts. */
  minSamples: number;
  rows: ComparisonRow[];
  regressions: number;
  /** Ways the runs differ that make their figures hard to compare: duration, users, stages, an interrupted run. */
  warnings: string[];
  /** Endpoints (`GET /cart`) of baseline A that run B did not call: a failure under --fail-on-regression. */
  gone: string[];
}

/**
 * The fewest samples per side before a change counts as a regression: a p95 of
 * ten requests moves by tens of percent from one run to the next on its own.
 * With 30 samples the 95th percentile still rests on the top one or two, so
 * this is a floor against noise, not a proof of a change (docs/reports.md).
 */
export const MIN_SAMPLES = 30;

interface MetricSpec<T> {
  metric: string;
  unit: ComparisonRow['unit'];
  better: Better;
  read: (x: T) => number | null;
  /** Samples the figure rests on; default: the scope's requests. */
  samples?: (x: T) => number;
}

const failRate = (e: EndpointSummary): number | null => (e.requests > 0 ? (e.failures / e.requests) * 100 : null);
const latency = (e: EndpointSummary, v: number): number | null => (e.latencyMs.count > 0 ? v : null);

const ENDPOINT_METRICS: Array<MetricSpec<EndpointSummary>> = [
  { metric: 'requests', unit: '', better: 'none', read: (e) => e.requests },
  { metric: 'rps', unit: '/s', better: 'higher', read: (e) => e.rps },
  { metric: 'failures', unit: '', better: 'none', read: (e) => e.failures },
  { metric: 'failure rate', unit: '%', better: 'lower', read: failRate },
  { metric: 'p50', unit: 'ms', better: 'lower', read: (e) => latency(e, e.latencyMs.p50) },
  { metric: 'p95', unit: 'ms', better: 'lower', read: (e) => latency(e, e.latencyMs.p95) },
  { metric: 'p99', unit: 'ms', better: 'lower', read: (e) => latency(e, e.latencyMs.p99) },
];

const seriesStat = (pick: (l: LlmSummary) => { count: number; p50: number; p99: number }, stat: 'p50' | 'p99') => (l: LlmSummary) => {
  const s = pick(l);
  return s.count > 0 ? s[stat] : null;
};
const seriesCount = (pick: (l: LlmSummary) => { count: number }) => (l: LlmSummary) => pick(l).count;

const LLM_METRICS: Array<MetricSpec<LlmSummary>> = [
  { metric: 'TTFT p50', unit: 'ms', better: 'lower', read: seriesStat((l) => l.ttftMs, 'p50'), samples: seriesCount((l) => l.ttftMs) },
  { metric: 'TTFT p99', unit: 'ms', better: 'lower', read: seriesStat((l) => l.ttftMs, 'p99'), samples: seriesCount((l) => l.ttftMs) },
  { metric: 'TPOT p50', unit: 'ms', better: 'lower', read: seriesStat((l) => l.tpotMs, 'p50'), samples: seriesCount((l) => l.tpotMs) },
  { metric: 'TPOT p99', unit: 'ms', better: 'lower', read: seriesStat((l) => l.tpotMs, 'p99'), samples: seriesCount((l) => l.tpotMs) },
  { metric: 'ITL p99', unit: 'ms', better: 'lower', read: seriesStat((l) => l.itlMs, 'p99'), samples: seriesCount((l) => l.itlMs) },
  { metric: 'E2E p50', unit: 'ms', better: 'lower', read: seriesStat((l) => l.e2eMs, 'p50'), samples: seriesCount((l) => l.e2eMs) },
  { metric: 'E2E p99', unit: 'ms', better: 'lower', read: seriesStat((l) => l.e2eMs, 'p99'), samples: seriesCount((l) => l.e2eMs) },
  { metric: 'output speed p50', unit: 'tok/s', better: 'higher', read: seriesStat((l) => l.outputSpeedTokPerS, 'p50'), samples: seriesCount((l) => l.outputSpeedTokPerS) },
  { metric: 'output tokens/s', unit: 'tok/s', better: 'higher', read: (l) => l.outputTokensPerSec },
  { metric: 'input tokens/s', unit: 'tok/s', better: 'higher', read: (l) => l.inputTokensPerSec },
  { metric: 'requests/s', unit: '/s', better: 'higher', read: (l) => l.requestsPerSec },
  { metric: 'goodput', unit: '/s', better: 'higher', read: (l) => l.goodputPerSec },
  { metric: 'error rate', unit: '%', better: 'lower', read: (l) => (l.requests > 0 ? (l.failures / l.requests) * 100 : null) },
];

/**
 * Compares run B against baseline run A: every endpoint of either run, the
 * aggregated row, and the LLM figures when both runs have them. A figure
 * regresses when it moved the wrong way by more than `tolerancePct` percent of
 * A's value (latency and failure rate up, throughput down); going from 0 to
 * more counts as an unbounded change.
 */
export function compareSummaries(a: RunSummary, b: RunSummary, tolerancePct: number): Comparison {
  const rows: ComparisonRow[] = [];
  const key = (e: EndpointSummary): string => `${e.method} ${e.name}`;
  const inB = new Map(b.endpoints.map((e) => [key(e), e]));
  const inA = new Map(a.endpoints.map((e) => [key(e), e]));
  const keys = [...new Set([...inA.keys(), ...inB.keys()])].sort();
  for (const k of keys) rows.push(...compareEach(k, ENDPOINT_METRICS, inA.get(k), inB.get(k), tolerancePct));
  rows.push(...compareEach('Aggregated', ENDPOINT_METRICS, a.total, b.total, tolerancePct));
  if (a.llm || b.llm) rows.push(...compareEach('LLM', LLM_METRICS, a.llm, b.llm, tolerancePct));
  const gone = keys.filter((k) => inA.has(k) && !inB.has(k));
  return { tolerancePct, minSamples: MIN_SAMPLES, rows, regressions: rows.filter((r) => r.regression).length, warnings: comparabilityWarnings(a, b), gone };
}

/**
 * The verdict of `bench compare --fail-on-regression`: B fails when a figure
 * regressed or when an endpoint of the baseline is gone from B (B did not test
 * what A did, so it cannot be said to be as good). Each reason is one line.
 */
export function regressionFailures(c: Comparison): string[] {
  const out: string[] = [];
  if (c.regressions > 0) out.push(`${c.regressions} figure${c.regressions === 1 ? '' : 's'} regressed beyond ${c.tolerancePct}%`);
  if (c.gone.length > 0) out.push(`${c.gone.length} endpoint${c.gone.length === 1 ? '' : 's'} of the baseline ${c.gone.length === 1 ? 'is' : 'are'} gone from the compared run: ${c.gone.join(', ')}`);
  return out;
}

const fmtSec = (ms: number): string => `${Math.round(ms / 100) / 10}s`;

/** What differs between the runs besides the system under test: their figures compare less well for it. */
export function comparabilityWarnings(a: RunSummary, b: RunSummary): string[] {
  const out: string[] = [];
  const da = a.meta.durationMs;
  const db = b.meta.durationMs;
  if (Math.abs(da - db) > 0.1 * Math.max(da, db)) out.push(`the runs differ in duration: A ${fmtSec(da)}, B ${fmtSec(db)} (counts differ for that alone; rates and latencies are comparable with care)`);
  if (a.meta.users !== b.meta.users) out.push(`the runs differ in users: A ${a.meta.users}, B ${b.meta.users}`);
  const stages = (s: RunSummary) => (s.stages ?? []).map((st) => st.name).join(', ');
  if (stages(a) !== stages(b)) out.push(`the runs differ in stages: A ${stages(a) || 'none'}; B ${stages(b) || 'none'}`);
  for (const [name, s] of [['A', a], ['B', b]] as const) {
    if (s.meta.interrupted) out.push(`run ${name} was interrupted (${s.meta.stopReason}) after ${fmtSec(s.meta.durationMs)}: its figures cover only part of the plan`);
  }
  return out;
}

const requestsOf = (x: unknown): number => {
  const o = x as { requests?: number };
  return typeof o.requests === 'number' ? o.requests : 0;
};

function compareEach<T>(scope: string, specs: Array<MetricSpec<T>>, a: T | undefined, b: T | undefined, tolerancePct: number): ComparisonRow[] {
  return specs.map((s) => {
    const va = a === undefined ? null : s.read(a);
    const vb = b === undefined ? null : s.read(b);
    const count = (x: T | undefined) => (x === undefined ? 0 : (s.samples ?? requestsOf)(x));
    const samples = { a: count(a), b: count(b) };
    const fewSamples = s.better !== 'none' && (samples.a < MIN_SAMPLES || samples.b < MIN_SAMPLES);
    const changePct = va === null || vb === null ? null : va === 0 ? (vb === 0 ? 0 : Infinity * Math.sign(vb)) : ((vb - va) / Math.abs(va)) * 100;
    const worse = changePct === null || fewSamples ? false : s.better === 'lower' ? changePct > tolerancePct : s.better === 'higher' ? changePct < -tolerancePct : false;
    return { scope, metric: s.metric, unit: s.unit, a: va, b: vb, changePct, better: s.better, regression: worse, samples, fewSamples };
  });
}
