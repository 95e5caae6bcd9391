import type { EndpointSummary, RunSummary } from '../../metrics/summary-types.js';
import { formatThresholdValue } from '../../thresholds/format.js';
import { formatBytes, formatFigure, formatMs, formatNumber, formatPercent } from '../format-number.js';
import type { Verdict } from '../verdict.js';
import { html, type SafeHtml } from './safe-html.js';
import { table } from './table.js';
import { errorText } from '../error-text.js';

const dateTime = (iso: string): string => (Number.isNaN(Date.parse(iso)) ? iso : new Date(iso).toISOString().replace('T', ' ').slice(0, 19) + ' UTC');

export function runHeader(summary: RunSummary, verdict: Verdict): SafeHtml {
  const m = summary.meta;
  const meta: Array<[string, string]> = [
    ['started', dateTime(m.startTime)],
    ['duration', formatMs(m.durationMs)],
    ['users', String(m.users)],
    ['workers', String(m.workers)],
    ['stopped', m.stopReason],
  ];
  return html`<header class="run">
<div><div class="brand">Volley load test report</div>
<h1>${m.scenario}</h1>
<dl class="meta">${meta.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl></div>
<div class="verdict"><span class="badge ${verdict.status}" id="verdict">${verdict.label}</span>
<ul>${verdict.reasons.map((r) => html`<li>${r}</li>`)}</ul></div>
</header>`;
}

export function card(label: string, value: string, sub?: string): SafeHtml {
  return html`<div class="card"><div class="label">${label}</div><div class="value">${value}</div>${sub ? html`<div class="sub">${sub}</div>` : ''}</div>`;
}

/** Requests still in flight when the run stopped: cut off, counted apart, neither requests nor failures. */
export const abortedRequests = (summary: RunSummary): number => summary.endpoints.reduce((a, e) => a + (e.aborted ?? 0), 0);

export function overviewCards(summary: RunSummary): SafeHtml {
  const t = summary.total;
  const l = t.latencyMs;
  const aborted = abortedRequests(summary);
  return html`<div class="cards">
${card('Requests', formatNumber(t.requests, 0), `${formatNumber(t.rps, 1)} per second`)}
${card('Failures', formatNumber(t.failures, 0), t.requests > 0 ? `${formatPercent(t.failures / t.requests)} of requests` : undefined)}
${aborted > 0 ? card('Aborted', formatNumber(aborted, 0), 'in flight at the stop: neither requests nor failures') : ''}
${card('Median', formatMs(l.p50), `mean ${formatMs(l.mean)}`)}
${card('p95', formatMs(l.p95))}
${card('p99', formatMs(l.p99), `max ${formatMs(l.max)}`)}
${card('Data received', formatBytes(t.bytes))}
</div>`;
}

export function thresholdsSection(summary: RunSummary): SafeHtml | '' {
  const list = summary.thresholds ?? [];
  if (list.length === 0) return '';
  return html`<section id="thresholds"><h2>Thresholds</h2>${table(
    [
      { header: 'Result', text: true, cell: (t) => html`<span class="pill ${t.ok ? 'pass' : 'fail'}">${t.ok ? 'pass' : 'fail'}</span>` },
      { header: 'Threshold', text: true, wrap: true, cell: (t) => html`<code>${t.expression}</code>${t.abortOnFail ? html` <span class="muted">(abort on fail)</span>` : ''}` },
      { header: 'Observed', cell: (t) => formatThresholdValue(t), className: (t) => (t.ok ? undefined : 'bad') },
    ],
    list,
    { compact: true },
  )}</section>`;
}

/** Locust's statistics table. */
export function endpointsSection(summary: RunSummary): SafeHtml {
  const rows = [...summary.endpoints].sort((a, b) => a.name.localeCompare(b.name) || a.method.localeCompare(b.method));
  const names = summary.names?.warning;
  return html`<section id="endpoints"><h2>Requests</h2>${names ? html`<p class="names-warning">${names.message}</p>` : ''}${table<EndpointSummary>(
    [
      { header: 'Type', text: true, cell: (e) => e.method },
      { header: 'Name', text: true, wrap: true, cell: (e) => e.name },
      { header: 'Requests', cell: (e) => formatNumber(e.requests, 0) },
      { header: 'Fails', cell: (e) => formatNumber(e.failures, 0), className: (e) => (e.failures > 0 ? 'bad' : undefined) },
      { header: 'Median (ms)', cell: (e) => formatFigure(e.latencyMs.p50) },
      { header: '95%ile (ms)', cell: (e) => formatFigure(e.latencyMs.p95) },
      { header: '99%ile (ms)', cell: (e) => formatFigure(e.latencyMs.p99) },
      { header: 'Average (ms)', cell: (e) => formatFigure(e.latencyMs.mean) },
      { header: 'Min (ms)', cell: (e) => formatFigure(e.latencyMs.min) },
      { header: 'Max (ms)', cell: (e) => formatFigure(e.latencyMs.max) },
      { header: 'Avg size', cell: (e) => formatBytes(e.requests > 0 ? e.bytes / e.requests : 0) },
      { header: 'RPS', cell: (e) => formatNumber(e.rps, 1) },
      { header: 'Failures/s', cell: (e) => formatNumber(e.failuresPerSec, 2) },
    ],
    rows,
    { total: summary.total },
  )}</section>`;
}

/** How often each task ran: the mix the weights asked for, as it came out. */
export function tasksSection(summary: RunSummary): SafeHtml | '' {
  const tasks = [...(summary.tasks ?? [])].sort((a, b) => b.runs - a.runs || a.name.localeCompare(b.name));
  if (tasks.length === 0) return '';
  const total = tasks.reduce((a, t) => a + t.runs, 0);
  return html`<section id="tasks"><h2>Tasks</h2>${table(
    [
      { header: 'Task', text: true, wrap: true, cell: (t) => t.name },
      { header: 'Runs', cell: (t) => formatNumber(t.runs, 0) },
      { header: 'Share', cell: (t) => (total > 0 ? formatPercent(t.runs / total, 1) : '–') },
    ],
    tasks,
    { compact: true },
  )}</section>`;
}

export function errorsSection(summary: RunSummary): SafeHtml {
  if (summary.errors.length === 0) return html`<section id="errors"><h2>Errors</h2><p class="muted">No errors.</p></section>`;
  return html`<section id="errors"><h2>Errors</h2>${table(
    [
      { header: 'Type', text: true, cell: (e) => e.method },
      { header: 'Name', text: true, wrap: true, cell: (e) => e.name },
      { header: 'Error', text: true, wrap: true, cell: (e) => errorText(e) },
      { header: 'Occurrences', cell: (e) => formatNumber(e.count, 0) },
    ],
    summary.errors,
  )}</section>`;
}

export function checksSection(summary: RunSummary): SafeHtml | '' {
  if (summary.checks.length === 0) return '';
  return html`<section id="checks"><h2>Checks</h2>${table(
    [
      { header: 'Check', text: true, wrap: true, cell: (c) => c.name },
      { header: 'Passes', cell: (c) => formatNumber(c.passes, 0) },
      { header: 'Fails', cell: (c) => formatNumber(c.fails, 0), className: (c) => (c.fails > 0 ? 'bad' : undefined) },
      { header: 'Pass rate', cell: (c) => (c.passes + c.fails > 0 ? formatPercent(c.passes / (c.passes + c.fails)) : '–') },
    ],
    summary.checks,
    { compact: true },
  )}</section>`;
}

export function optionsSection(summary: RunSummary): SafeHtml {
  return html`<section id="options"><details><summary>Run options</summary><pre><code>${JSON.stringify(summary.meta.options, null, 2)}</code></pre></details></section>`;
}
