import { SERVER_SERIES, type ServerSeriesStats } from '../../metrics/server-figures.js';
import type { RunSummary } from '../../metrics/summary-types.js';
import { formatFigure, formatMsCompact, formatPercent } from '../format-number.js';
import { COLORS, timeChart, type ChartSpec } from './charts.js';
import { html, type SafeHtml } from './safe-html.js';
import { table } from './table.js';

const has = (summary: RunSummary, name: string): boolean => summary.history.some((r) => r.server?.[name] !== undefined);
const ratioSeries = new Set(SERVER_SERIES.filter((s) => s.kind === 'ratio').map((s) => s.name));

/**
 * The server's own figures over time (--server-metrics), on the same time axis
 * as the client's charts: its queue beside its batch, its KV cache, and its
 * generated tokens per second beside the ones Volley received.
 */
export function serverCharts(summary: RunSummary): ChartSpec[] {
  if (!summary.history.some((r) => r.server)) return [];
  const pick = (name: string) => (r: RunSummary['history'][number]) => r.server?.[name];
  const charts: ChartSpec[] = [];
  if (has(summary, 'requests_running') || has(summary, 'requests_waiting')) {
    charts.push(timeChart('chart-server-requests', 'Server: requests running and waiting', 'requests', summary, [
      ['running', COLORS.blue, pick('requests_running')],
      ['waiting', COLORS.red, pick('requests_waiting')],
    ]));
  }
  if (has(summary, 'kv_cache_usage') || has(summary, 'prefix_cache_hit_rate')) {
    const pct = (name: string) => (r: RunSummary['history'][number]) => (r.server?.[name] === undefined ? undefined : r.server[name]! * 100);
    charts.push(timeChart('chart-server-cache', 'Server: KV cache', '%', summary, [
      ['KV-cache usage', COLORS.purple, pct('kv_cache_usage')],
      ['prefix-cache hit rate', COLORS.teal, pct('prefix_cache_hit_rate')],
    ]));
  }
  if (has(summary, 'generation_tokens_per_s')) {
    charts.push(timeChart('chart-server-tokens', 'Server: generated vs received tokens/s', 'tokens/s', summary, [
      ['server generated', COLORS.amber, pick('generation_tokens_per_s')],
      ['Volley received', COLORS.blue, (r) => r.outputTokensPerSec],
    ]));
  }
  const known = new Set(SERVER_SERIES.map((s) => s.name));
  const others = [...new Set(summary.history.flatMap((r) => Object.keys(r.server ?? {})))].filter((n) => !known.has(n));
  const palette = [COLORS.slate, COLORS.green, COLORS.amber, COLORS.red, COLORS.teal];
  if (others.length) charts.push(timeChart('chart-server-other', 'Server: other series', 'value', summary, others.map((n, i) => [n, palette[i % palette.length]!, pick(n)])));
  return charts;
}

function statCell(name: string, v: number): string {
  return ratioSeries.has(name) ? formatPercent(v, 1) : formatFigure(v);
}

/** The server's series over the run: min, mean, max and the last sample, with where they came from. */
export function serverSection(summary: RunSummary): SafeHtml | '' {
  const s = summary.server;
  if (!s) return '';
  const rows = Object.entries(s.series).map(([name, st]) => ({ name, ...st }));
  const cols = [
    { header: 'Series', text: true, cell: (r: { name: string }) => r.name },
    ...(['min', 'mean', 'max', 'last'] as const).map((k) => ({ header: k, cell: (r: { name: string } & ServerSeriesStats) => statCell(r.name, r[k]) })),
    { header: 'samples', cell: (r: ServerSeriesStats) => r.samples },
  ];
  const failed = s.failures > 0 ? html`<p class="caption bad">${s.failures} of ${s.scrapes} scrapes failed.</p>` : '';
  return html`<section id="server"><h2>Server metrics</h2><p class="caption">Scraped each second from ${s.sources.join(', ')}.</p>${failed}${table(cols, rows, { compact: true })}</section>`;
}

/** The load generator's health over the run, per worker: if it was the bottleneck, the figures above include its own delays. */
export function generatorSection(summary: RunSummary): SafeHtml | '' {
  const g = summary.generator;
  if (!g || g.workers.length === 0) return '';
  const over = (cpu: number, delay: number): string | undefined => (cpu > g.limits.cpu || delay > g.limits.eventLoopDelayMs ? 'bad' : undefined);
  const cols = [
    { header: 'Worker', cell: (w: (typeof g.workers)[number]) => w.index },
    { header: 'CPU mean', cell: (w: (typeof g.workers)[number]) => formatPercent(w.cpuMean, 0) },
    { header: 'CPU max', cell: (w: (typeof g.workers)[number]) => formatPercent(w.cpuMax, 0), className: (w: (typeof g.workers)[number]) => over(w.cpuMax, 0) },
    { header: 'loop delay mean', cell: (w: (typeof g.workers)[number]) => formatMsCompact(w.eventLoopDelayMeanMs, ' ms') },
    { header: 'loop delay max', cell: (w: (typeof g.workers)[number]) => formatMsCompact(w.eventLoopDelayMaxMs, ' ms'), className: (w: (typeof g.workers)[number]) => over(0, w.eventLoopDelayMaxMs) },
    { header: 'intervals over a limit', cell: (w: (typeof g.workers)[number]) => `${w.overLimitIntervals} of ${w.samples}` },
  ];
  const verdict = g.overloaded
    ? html`<p class="caption bad">${g.warning ?? 'the load generator was the bottleneck'}</p>`
    : html`<p class="caption">The generator kept up: no worker stayed past CPU ${formatPercent(g.limits.cpu, 0)} or an event-loop delay of ${g.limits.eventLoopDelayMs} ms.</p>`;
  return html`<section id="generator"><h2>Load generator</h2>${verdict}${table(cols, g.workers, { compact: true })}</section>`;
}
