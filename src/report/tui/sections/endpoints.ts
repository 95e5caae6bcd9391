import type { LiveSnapshot } from '../../../metrics/live-snapshot.js';
import type { EndpointSummary } from '../../../metrics/summary-types.js';
import { fit, fmtCount, fmtRate, paint, wrapTagged } from '../text.js';
import { formatMsCompact } from '../../format-number.js';
import { WAITING, type SectionContent, type View } from './types.js';

interface Column {
  title: string;
  width: number;
  align: 'left' | 'right';
  /** Columns with a higher number are dropped first when the box is narrow. */
  dropOrder: number;
  text(e: EndpointSummary, s: LiveSnapshot, aggregated: boolean): string;
  style?(e: EndpointSummary): string | undefined;
}

/** The name column takes what is left, but never less than this. */
const NAME_MIN = 12;

const COLUMNS: Column[] = [
  { title: 'Method', width: 6, align: 'left', dropOrder: 3, text: (e) => e.method },
  { title: 'Name', width: NAME_MIN, align: 'left', dropOrder: 0, text: (e) => e.name },
  { title: 'Requests', width: 9, align: 'right', dropOrder: 0, text: (e) => fmtCount(e.requests) },
  {
    title: 'Fails', width: 7, align: 'right', dropOrder: 0, text: (e) => fmtCount(e.failures),
    style: (e) => (e.failures > 0 ? 'red-fg' : undefined),
  },
  {
    title: 'req/s now', width: 9, align: 'right', dropOrder: 1,
    text: (e, s, aggregated) => fmtRate(aggregated ? s.interval.rps : (s.currentRps[`${e.method} ${e.name}`] ?? 0)),
  },
  { title: 'req/s avg', width: 9, align: 'right', dropOrder: 6, text: (e) => fmtRate(e.rps) },
  { title: 'p50 ms', width: 7, align: 'right', dropOrder: 2, text: (e) => formatMsCompact(e.latencyMs.p50) },
  { title: 'p95 ms', width: 7, align: 'right', dropOrder: 1, text: (e) => formatMsCompact(e.latencyMs.p95) },
  { title: 'p99 ms', width: 7, align: 'right', dropOrder: 4, text: (e) => formatMsCompact(e.latencyMs.p99) },
  { title: 'max ms', width: 7, align: 'right', dropOrder: 5, text: (e) => formatMsCompact(e.latencyMs.max) },
];

/**
 * The columns that fit `width`, dropping the least telling ones first; the name
 * column takes what is left, up to the longest name, so figures stay near the names.
 */
function columnsFor(width: number, longestName: number): Column[] {
  let cols = COLUMNS;
  const used = (cs: Column[]): number => cs.reduce((n, c) => n + c.width + 1, -1);
  while (used(cols) > width) {
    const worst = Math.max(...cols.map((c) => c.dropOrder));
    if (worst === 0) break;
    cols = cols.filter((c) => c.dropOrder !== worst);
  }
  const spare = Math.min(Math.max(0, width - used(cols)), Math.max(0, longestName + 1 - NAME_MIN));
  return cols.map((c) => (c.title === 'Name' ? { ...c, width: c.width + spare } : c));
}

function row(cols: Column[], e: EndpointSummary, s: LiveSnapshot, aggregated: boolean): string {
  const cells = cols.map((c) => {
    const text = fit(c.text(e, s, aggregated), c.width, c.align);
    return paint(c.style?.(e), text);
  });
  const line = cells.join(' ');
  return aggregated ? wrapTagged('bold', line) : line;
}

/** Rows this section would like: heading, every endpoint, the aggregated row. */
export function endpointsWanted(view: View): number {
  return view.endpoints.length + 2;
}

/**
 * The per-endpoint table, most requests first, with the aggregated row pinned
 * under it; the endpoint rows scroll when they do not all fit.
 */
export function renderEndpoints(view: View, width: number, height: number, scroll: number): SectionContent {
  const s = view.snapshot;
  if (!s) return { label: 'Endpoints', lines: [WAITING] };
  const cols = columnsFor(width, view.endpoints.reduce((n, e) => Math.max(n, e.name.length), 'Aggregated'.length));
  const heading = paint('bold', cols.map((c) => fit(c.title, c.width, c.align)).join(' '));
  const visible = Math.max(0, height - 2);
  const n = view.endpoints.length;
  const maxScroll = Math.max(0, n - visible);
  const from = Math.min(Math.max(0, scroll), maxScroll);
  const shown = view.endpoints.slice(from, from + visible);
  const lines = [heading, ...shown.map((e) => row(cols, e, s, false))];
  lines.push(row(cols, { ...s.total, name: 'Aggregated', method: '' }, s, true));
  const label = maxScroll > 0 ? `Endpoints ${from + 1}–${from + shown.length} of ${n}  ↑↓ scroll` : `Endpoints (${n})`;
  return { label, lines, maxScroll };
}
