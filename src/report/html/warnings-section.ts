import type { RunSummary } from '../../metrics/summary-types.js';
import { html, type SafeHtml } from './safe-html.js';

/** The run's warnings, the overloaded generator first: figures to read with care. */
export function warningsSection(summary: RunSummary): SafeHtml | '' {
  const overload = summary.generatorOverload?.reason;
  const lines = [...(overload ? [overload] : []), ...(summary.warnings ?? []).filter((w) => w !== overload)];
  if (lines.length === 0) return '';
  return html`<section id="warnings"><h2>Warnings</h2>${overload ? html`<p id="generator-overloaded"><strong>The load generator was overloaded: the latencies below include its own delays.</strong></p>` : ''}<ul>${lines.map((l) => html`<li>${l}</li>`)}</ul></section>`;
}
