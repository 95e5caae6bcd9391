import type { CapacityStep, RunSummary } from '../../metrics/summary-types.js';
import { html, type SafeHtml } from './safe-html.js';
import { table } from './table.js';

const level = (x: number, unit: string): string => `${Math.round(x * 1000) / 1000}${unit === 'users' ? ' users' : '/s'}`;
const figure = (v: number | null | undefined): string => (v === null || v === undefined ? 'no data' : String(Math.abs(v) >= 100 ? Math.round(v * 10) / 10 : Math.round(v * 1000) / 1000));

/**
 * --find-capacity (docs/capacity.md): the answer with its bracket, then every
 * step in the order it ran, each objective's figure (failing ones marked), the
 * step's saturation, and the level found marked.
 */
export function capacitySection(summary: RunSummary, chart: SafeHtml | ''): SafeHtml | '' {
  const c = summary.capacity;
  if (!c) return '';
  const found = c.value !== null;
  const columns = [
    { header: '#', cell: (s: CapacityStep) => c.steps.indexOf(s) + 1 },
    { header: c.unit === 'users' ? 'Users' : 'Rate', cell: (s: CapacityStep) => level(s.level, c.unit) },
    { header: 'Result', text: true, cell: (s: CapacityStep) => html`<span class="pill ${s.passed ? 'pass' : 'fail'}">${s.passed ? 'pass' : 'fail'}</span>${s.level === c.value ? html` <strong>◀ capacity</strong>` : ''}${s.level === c.firstFail ? html` <span class="muted">first failing</span>` : ''}` },
    ...c.objectives.map((o) => ({ header: o, cell: (s: CapacityStep) => figure(s.figures[o]), className: (s: CapacityStep) => (s.failed.includes(o) ? 'bad' : undefined) })),
    { header: 'req/s', cell: (s: CapacityStep) => figure(s.rps) },
    { header: 'Saturated', text: true, wrap: true, cell: (s: CapacityStep) => (s.saturated ? (s.saturation ?? []).join('; ') : 'no'), className: (s: CapacityStep) => (s.saturated ? 'bad' : undefined) },
  ];
  return html`<section id="capacity"><h2>Capacity search</h2>
<p><span class="pill ${found ? 'pass' : 'fail'}">${found ? level(c.value!, c.unit) : 'not found'}</span> ${c.message}</p>
${chart}
<div style="margin-top:14px">${table(columns, c.steps)}</div>
<p class="muted">Each step ran at one level, its warm-up dropped, and was judged on its own figures against every objective and the over-saturation rule; the levels came from a doubling ramp, then a bisection (docs/capacity.md).</p></section>`;
}
