import { blockChart, LOWER_GLYPH, sparkline } from '../chart.js';
import type { LiveHistory, Series } from '../history.js';
import { fit, fmtRate, paint } from '../text.js';
import { formatMsCompact } from '../../format-number.js';
import type { SectionContent } from './types.js';

interface Line {
  name: string;
  series: Series;
  style: string;
  format(v: number): string;
}

/** One chart: a series that sets the bar heights and an optional one drawn under it. */
export interface ChartSpec {
  title: string;
  upper: Line;
  lower?: Line;
}

const compactAxis = (v: number): string => (v >= 10_000 ? `${Math.round(v / 1000)}k` : v >= 1000 ? `${(v / 1000).toFixed(1)}k` : String(+v.toPrecision(3)));

/** Requests and failures, p50 under p95, users: the three charts of the overview. */
export function loadCharts(h: LiveHistory): ChartSpec[] {
  return [
    {
      title: 'Requests/s',
      upper: { name: 'req/s', series: h.rps, style: 'green-fg', format: fmtRate },
      lower: { name: 'fail/s', series: h.failuresPerSec, style: 'red-fg', format: fmtRate },
    },
    {
      title: 'Latency',
      upper: { name: 'p95 ms', series: h.p95Ms, style: 'yellow-fg', format: formatMsCompact },
      lower: { name: 'p50 ms', series: h.p50Ms, style: 'cyan-fg', format: formatMsCompact },
    },
    { title: 'Users', upper: { name: 'users', series: h.users, style: 'blue-fg', format: (v) => String(Math.round(v)) } },
  ];
}

/** Output tokens/s and TTFT p50, for the LLM panel. */
export function llmCharts(h: LiveHistory): ChartSpec[] {
  return [
    { title: 'Output tokens/s', upper: { name: 'tok/s', series: h.outputTokensPerSec, style: 'magenta-fg', format: fmtRate } },
    { title: 'TTFT p50', upper: { name: 'ms', series: h.ttftP50Ms, style: 'yellow-fg', format: formatMsCompact } },
  ];
}

const latestText = (l: Line): string => {
  const v = l.series.latest();
  return Number.isNaN(v) ? '-' : l.format(v);
};

function legend(l: Line, glyph = '█'): string {
  return `${paint(l.style, glyph)} ${l.name} ${paint('bold', latestText(l))}`;
}

/** Rows that show every chart with at least two rows of bars. */
export function chartsWanted(specs: ChartSpec[], barRows = 5): number {
  return specs.length * (barRows + 1);
}

/** Rows for the one-line-per-series form. */
export function sparklinesWanted(specs: ChartSpec[]): number {
  return specs.reduce((n, c) => n + (c.lower ? 2 : 1), 0);
}

/**
 * Draws the charts as tall as the box allows; when there is not room for a
 * title and two rows of bars each, falls back to one sparkline per series.
 */
export function renderCharts(label: string, specs: ChartSpec[], width: number, height: number): SectionContent {
  if (height < specs.length * 3) return { label, lines: sparklines(specs, width).slice(0, height) };
  const lines: string[] = [];
  const each = Math.floor(height / specs.length);
  specs.forEach((c, i) => {
    const rows = each - 1 + (i < height % specs.length ? 1 : 0);
    const title = `${paint('bold', c.title)}  ${legend(c.upper)}${c.lower ? `  ${legend(c.lower, LOWER_GLYPH)} (under)` : ''}`;
    lines.push(title);
    lines.push(
      ...blockChart({
        upper: c.upper.series.last(width),
        lower: c.lower?.series.last(width),
        width,
        height: rows,
        upperStyle: c.upper.style,
        lowerStyle: c.lower?.style,
        axis: compactAxis,
      }),
    );
  });
  return { label, lines };
}

const SPARK_LABEL = 18;

function sparklines(specs: ChartSpec[], width: number): string[] {
  const out: string[] = [];
  for (const c of specs) {
    for (const l of c.lower ? [c.upper, c.lower] : [c.upper]) {
      const label = `${fit(l.name, 7)}${fit(latestText(l), SPARK_LABEL - 8, 'right')} `;
      out.push(paint('bold', label) + paint(l.style, sparkline(l.series.last(width), width - SPARK_LABEL)));
    }
  }
  return out;
}
