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
}

export interface Comparison {
  tolerancePct: number;
  rows: ComparisonRow[];
  regressions: number;
  /** Endpoints (`GET /cart`) of baseline A that run B did not call: a failure under --fail-on-regression. */
  gone: string[];
}

interface MetricSpec<T> {
  metric: string;
  unit: ComparisonRow['unit'];
  better: Better;
  read: (x: T) => number | null;
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

const LLM_METRICS: Array<MetricSpec<LlmSummary>> = [
  { metric: 'TTFT p50', unit: 'ms', better: 'lower', read: seriesStat((l) => l.ttftMs, 'p50') },
  { metric: 'TTFT p99', unit: 'ms', better: 'lower', read: seriesStat((l) => l.ttftMs, 'p99') },
  { metric: 'TPOT p50', unit: 'ms', better: 'lower', read: seriesStat((l) => l.tpotMs, 'p50') },
  { metric: 'TPOT p99', unit: 'ms', better: 'lower', read: seriesStat((l) => l.tpotMs, 'p99') },
  { metric: 'ITL p99', unit: 'ms', better: 'lower', read: seriesStat((l) => l.itlMs, 'p99') },
  { metric: 'E2E p50', unit: 'ms', better: 'lower', read: seriesStat((l) => l.e2eMs, 'p50') },
  { metric: 'E2E p99', unit: 'ms', better: 'lower', read: seriesStat((l) => l.e2eMs, 'p99') },
  { metric: 'output speed p50', unit: 'tok/s', better: 'higher', read: seriesStat((l) => l.outputSpeedTokPerS, 'p50') },
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
  return { tolerancePct, rows, regressions: rows.filter((r) => r.regression).length, gone };
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

function compareEach<T>(scope: string, specs: Array<MetricSpec<T>>, a: T | undefined, b: T | undefined, tolerancePct: number): ComparisonRow[] {
  return specs.map((s) => {
    const va = a === undefined ? null : s.read(a);
    const vb = b === undefined ? null : s.read(b);
    const changePct = va === null || vb === null ? null : va === 0 ? (vb === 0 ? 0 : Infinity * Math.sign(vb)) : ((vb - va) / Math.abs(va)) * 100;
    const worse = changePct === null ? false : s.better === 'lower' ? changePct > tolerancePct : s.better === 'higher' ? changePct < -tolerancePct : false;
    return { scope, metric: s.metric, unit: s.unit, a: va, b: vb, changePct, better: s.better, regression: worse };
  });
}
