import type { StagePoint } from '../experiments/runs.js';

/** A Vega-Lite spec as plain JSON (vega-lite compiles it to Vega, which renders it). */
export type VegaLiteSpec = Record<string, unknown>;

/** One chart of the grid: a file name, a title and its spec. */
export interface PlotChart {
  /** File name without extension: `speed-vs-throughput`. */
  id: string;
  title: string;
  /** One line on how to read it (the index page). */
  caption: string;
  spec: VegaLiteSpec;
}

/** A point as the specs read it: the figures plus its curve's label. */
export type PlotRow = StagePoint & { series: string };

/** Each chart's drawing area in px; the SVG adds axes, title and legend around it, the PNG is twice the SVG. */
export const CHART_WIDTH = 520;
export const CHART_HEIGHT = 320;

/**
 * Fonts named in the SVG: DejaVu Sans first (Debian's fonts-dejavu-core, what
 * the PNG rasterizer finds on a bare Linux), then what browsers have.
 */
export const FONT_FAMILY = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

const config = {
  font: FONT_FAMILY,
  background: 'white',
  title: { fontSize: 15, anchor: 'start', subtitleFontSize: 11, subtitleColor: '#475569' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e5e7eb' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0, titleLimit: 0, orient: 'bottom', columns: 1 },
  view: { stroke: '#cbd5e1' },
};

const ORDER = { field: 'concurrency', type: 'quantitative' };

/** Concurrency axes in powers of two read best on a log scale (1, 2, 4 … 256 equally spaced). */
function concurrencyAxis(rows: PlotRow[]): Record<string, unknown> {
  const values = [...new Set(rows.map((r) => r.concurrency).filter((c): c is number => c !== null && c > 0))];
  const log = values.length >= 3 && Math.max(...values) / Math.min(...values) >= 4;
  return {
    field: 'concurrency',
    type: 'quantitative',
    title: 'concurrency',
    scale: log ? { type: 'log', base: 2 } : { zero: false },
    // Whole users only: no tick at 1.4.
    axis: log ? { values: values.sort((a, b) => a - b), format: 'd' } : { tickMinStep: 1, format: 'd' },
  };
}

const tooltip = [
  { field: 'series', title: 'run' },
  { field: 'concurrency', title: 'concurrency' },
  { field: 'traffic', title: 'traffic' },
];

function lineChart(legendTitle: string, rows: PlotRow[], title: string, subtitle: string, x: Record<string, unknown>, y: Record<string, unknown>, extra: Record<string, unknown> = {}): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    data: { values: rows },
    mark: { type: 'line', point: { size: 45, filled: true }, strokeWidth: 2 },
    encoding: { x, y, color: { field: 'series', type: 'nominal', title: legendTitle, legend: { symbolType: 'stroke', symbolStrokeWidth: 3 } }, order: ORDER, tooltip: [...tooltip, { field: String(x.field), title: String(x.title) }, { field: String(y.field), title: String(y.title) }], ...extra },
    config,
  };
}

const q = (field: string, title: string, scale: Record<string, unknown> = {}): Record<string, unknown> => ({ field, type: 'quantitative', title, scale: { zero: true, ...scale } });

/**
 * GenAI Bench's grid of a sweep: each point is a stage, each curve one series
 * (group-by values and traffic shape). Charts whose figures no row has (LLM
 * figures of an HTTP run) are left out.
 */
export function plotCharts(rows: PlotRow[], legendTitle = 'run'): PlotChart[] {
  const has = (f: keyof StagePoint) => rows.some((r) => typeof r[f] === 'number');
  const charts: PlotChart[] = [];
  const llmRows = rows.filter((r) => r.outputTokensPerSec !== null);
  if (has('userTokensPerSec') && has('outputTokensPerSec')) {
    charts.push({
      id: 'speed-vs-throughput',
      title: 'Output speed vs output throughput',
      caption: 'Tokens per second each user sees against tokens per second the server gives all users; the knee is the sweet spot.',
      spec: lineChart(legendTitle, llmRows.filter((r) => r.userTokensPerSec !== null), 'Output speed vs output throughput', 'each point is a concurrency level', q('outputTokensPerSec', 'output throughput (tokens/s, all requests)'), q('userTokensPerSec', 'output speed (tokens/s per user, p50)')),
    });
  }
  if (has('ttftP50Ms') && has('outputTokensPerSec')) {
    charts.push({
      id: 'ttft-vs-throughput',
      title: 'TTFT vs output throughput',
      caption: 'How long users wait for the first token at each throughput (p50).',
      spec: lineChart(legendTitle, llmRows.filter((r) => r.ttftP50Ms !== null), 'Time to first token vs output throughput', 'p50 per concurrency level', q('outputTokensPerSec', 'output throughput (tokens/s, all requests)'), q('ttftP50Ms', 'TTFT p50 (ms)')),
    });
  }
  if (has('e2eP50Ms')) {
    // One row per percentile: color tells the run, the dash the percentile.
    const long = rows.flatMap((r) =>
      (['p50', 'p90', 'p99'] as const).flatMap((p) => {
        const v = r[`e2e${p.toUpperCase() as 'P50' | 'P90' | 'P99'}Ms`];
        return v === null ? [] : [{ ...r, percentile: p, e2eMs: v, line: `${r.series} ${p}` }];
      }),
    );
    const spec = lineChart(legendTitle, long as unknown as PlotRow[], 'End-to-end latency vs requests per second', 'p50 solid, p90 dashed, p99 dotted', q('requestsPerSec', 'requests per second'), q('e2eMs', 'E2E latency (ms)'), {
      strokeDash: { field: 'percentile', type: 'nominal', title: 'percentile', scale: { domain: ['p50', 'p90', 'p99'], range: [[1, 0], [6, 3], [2, 2]] }, legend: { symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 300, encode: { symbols: { update: { stroke: { value: '#334155' } } } } } },
      detail: { field: 'line', type: 'nominal' },
    });
    charts.push({ id: 'e2e-vs-rps', title: 'E2E latency vs requests/s', caption: 'Whole-request latency percentiles at each request rate.', spec });
  }
  const withConcurrency = rows.filter((r) => r.concurrency !== null);
  if (withConcurrency.length > 0) {
    charts.push({
      id: 'error-rate-vs-concurrency',
      title: 'Error rate vs concurrency',
      caption: 'Share of failed requests at each concurrency level.',
      spec: lineChart(legendTitle, withConcurrency, 'Error rate vs concurrency', 'failed requests of all requests of the stage', concurrencyAxis(withConcurrency), q('errorRatePct', 'error rate (%)', { domainMax: Math.max(1, ...withConcurrency.map((r) => r.errorRatePct)) })),
    });
    const tput = withConcurrency.filter((r) => r.outputTokensPerSec !== null);
    const tokens = tput.length > 0;
    charts.push({
      id: 'throughput-vs-concurrency',
      title: tokens ? 'Output throughput vs concurrency' : 'Requests per second vs concurrency',
      caption: tokens ? 'Output tokens per second of all requests at each concurrency level.' : 'Requests per second at each concurrency level.',
      spec: lineChart(legendTitle, tokens ? tput : withConcurrency, tokens ? 'Output throughput vs concurrency' : 'Requests per second vs concurrency', 'all requests of the stage', concurrencyAxis(withConcurrency), tokens ? q('outputTokensPerSec', 'output throughput (tokens/s)') : q('requestsPerSec', 'requests per second')),
    });
  }
  return charts;
}

/** The whole grid in one figure, two charts a row, one legend. */
export function gridSpec(charts: PlotChart[]): VegaLiteSpec {
  const inner = charts.map((c) => {
    const { $schema: _s, config: _c, ...rest } = c.spec as Record<string, unknown>;
    return { ...rest, width: Math.round(CHART_WIDTH * 0.8), height: Math.round(CHART_HEIGHT * 0.8) };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    columns: 2,
    concat: inner,
    resolve: { scale: { color: 'shared', strokeDash: 'shared' } },
    config,
  };
}
