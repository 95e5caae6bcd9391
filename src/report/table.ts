import type { EndpointSummary, RunSummary } from '../metrics/summary-types.js';
import { formatThresholdValue } from '../thresholds/format.js';
import { formatMsCompact } from './format-number.js';
import { isFoldedName } from '../metrics/name-cap.js';

/** Formats rows as aligned columns; the first column is left-aligned, the rest right-aligned. */
export function columns(rows: string[][], leftAligned = 2): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map((r) => r.map((c, i) => (i < leftAligned ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}

function endpointRow(e: EndpointSummary): string[] {
  const l = e.latencyMs;
  return [
    e.method,
    truncate(e.name, 48),
    String(e.requests),
    e.failures ? `${e.failures} (${((e.failures / Math.max(1, e.requests)) * 100).toFixed(1)}%)` : '0',
    e.rps.toFixed(1),
    formatMsCompact(l.min),
    formatMsCompact(l.mean),
    formatMsCompact(l.p50),
    formatMsCompact(l.p90),
    formatMsCompact(l.p95),
    formatMsCompact(l.p99),
    formatMsCompact(l.p999),
    formatMsCompact(l.max),
  ];
}

const HEADER = ['Type', 'Name', 'Requests', 'Failures', 'req/s', 'Min', 'Mean', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'Max'];

/** Rows of one table printed at most: with ids in URLs a run can have thousands of names (all of them are in stats.csv and summary.json). */
export const MAX_TABLE_ROWS = 40;

/** The rows to print: all of them, or the busiest MAX_TABLE_ROWS and every folded row, in the table's order. */
function printable<T extends { name: string }>(rows: T[], weight: (r: T) => number): T[] {
  if (rows.length <= MAX_TABLE_ROWS) return rows;
  const kept = new Set(rows.filter((r) => isFoldedName(r.name)));
  for (const r of [...rows].sort((a, b) => weight(b) - weight(a))) {
    if (kept.size >= MAX_TABLE_ROWS) break;
    kept.add(r);
  }
  return rows.filter((r) => kept.has(r));
}

/** The final table printed on stdout, in the spirit of Locust's summary. Times in ms. */
export function formatSummaryTable(s: RunSummary): string {
  const out: string[] = [];
  const shown = printable(s.endpoints, (e) => e.requests);
  const rows = [HEADER, ...shown.map(endpointRow), ['', 'Aggregated', ...endpointRow(s.total).slice(2)]];
  out.push(`Response times (ms) — ${s.meta.scenario}, ${(s.meta.durationMs / 1000).toFixed(1)}s, ${s.meta.users} users on ${s.meta.workers} workers`);
  out.push(columns(rows));
  if (shown.length < s.endpoints.length) out.push(`… the busiest ${shown.length} of ${s.endpoints.length} rows; all of them are in stats.csv and summary.json`);
  if (s.names?.warning) out.push(`\nwarning: ${s.names.warning.message}`);
  const aborted = s.endpoints.reduce((a, e) => a + e.aborted, 0);
  if (aborted) out.push(`\n${aborted} requests were still in flight at the end and were aborted (not counted as failures).`);
  if (s.llm) {
    const l = s.llm;
    out.push('\nLLM metrics (ms unless noted)');
    const lrow = (name: string, st: typeof l.ttftMs) => [name, String(st.count), formatMsCompact(st.p50), formatMsCompact(st.p90), formatMsCompact(st.p99), formatMsCompact(st.mean), formatMsCompact(st.max)];
    out.push(
      columns(
        [
          ['Metric', 'Count', 'p50', 'p90', 'p99', 'Mean', 'Max'],
          lrow('TTFT', l.ttftMs),
          lrow('TPOT', l.tpotMs),
          lrow('ITL', l.itlMs),
          lrow('E2E', l.e2eMs),
          lrow('Output speed (tok/s)', l.outputSpeedTokPerS),
        ],
        1,
      ),
    );
    out.push(
      `Requests/s ${l.requestsPerSec.toFixed(2)}  input tok/s ${l.inputTokensPerSec.toFixed(1)}  output tok/s ${l.outputTokensPerSec.toFixed(1)}  total tok/s ${l.totalTokensPerSec.toFixed(1)}` +
        (l.goodputPerSec !== null ? `  goodput ${l.goodputPerSec.toFixed(2)} req/s` : ''),
    );
  }
  if (s.stages?.length) {
    out.push('\nSweep');
    const rows2 = [['Stage', 'Conc.', 'Traffic', 'req/s', 'out tok/s', 'TTFT p50', 'TTFT p99', 'TPOT p50', 'TPOT p99', 'E2E p99', 'Errors']];
    for (const st of s.stages) {
      const l = st.llm;
      rows2.push([
        st.name,
        String(st.concurrency ?? ''),
        st.traffic ?? '',
        st.total.rps.toFixed(2),
        l ? l.outputTokensPerSec.toFixed(1) : '-',
        l ? formatMsCompact(l.ttftMs.p50) : '-',
        l ? formatMsCompact(l.ttftMs.p99) : '-',
        l ? formatMsCompact(l.tpotMs.p50) : '-',
        l ? formatMsCompact(l.tpotMs.p99) : '-',
        l ? formatMsCompact(l.e2eMs.p99) : formatMsCompact(st.total.latencyMs.p99),
        String(st.total.failures),
      ]);
    }
    out.push(columns(rows2, 3));
  }
  if (s.errors.length) {
    out.push('\nErrors');
    out.push(columns([['Count', 'Type', 'Name', 'Message'], ...s.errors.slice(0, 20).map((e) => [String(e.count), e.method, truncate(e.name, 40), truncate(e.message, 80)])], 0));
    if (s.errors.length > 20) out.push(`… and ${s.errors.length - 20} more kinds (see summary.json)`);
  }
  if (s.checks.length) {
    out.push('\nChecks');
    out.push(
      columns(
        [['Check', 'Passes', 'Fails', 'Rate'], ...printable(s.checks, (c) => c.fails * 1e9 + c.passes + c.fails).map((c) => [c.name, String(c.passes), String(c.fails), `${((c.passes / Math.max(1, c.passes + c.fails)) * 100).toFixed(2)}%`])],
        1,
      ),
    );
    if (s.checks.length > MAX_TABLE_ROWS) out.push(`… ${MAX_TABLE_ROWS} of ${s.checks.length} checks (the failing and busiest ones); all of them are in summary.json`);
  }
  if (s.thresholds?.length) {
    out.push('\nThresholds');
    for (const t of s.thresholds) out.push(`  ${t.ok ? '✓' : '✗'} ${t.expression}${t.value === null ? ` (${formatThresholdValue(t)})` : ` (observed ${formatThresholdValue(t)})`}`);
  }
  return out.join('\n') + '\n';
}
