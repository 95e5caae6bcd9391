import { relative } from 'node:path';
import type { EndpointSummary, RunSummary } from '../metrics/summary-types.js';
import { formatThresholdValue } from '../thresholds/format.js';
import { cut, fitTable, wrapParts, type TextColumn } from './fit-table.js';
import { formatMsCompact, formatRate } from './format-number.js';
import { interruptedBanner, runEndLines, stagesNotRun, sweepUsers } from './run-end.js';
import { taskErrorsLine } from './error-text.js';
import { isFoldedName } from '../metrics/name-cap.js';
import { llmWorkloadLines } from './llm-workload-text.js';
import { llmGroupTables } from './llm-groups.js';

/** Formats rows as aligned columns; the first column is left-aligned, the rest right-aligned. */
export function columns(rows: string[][], leftAligned = 2): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map((r) => r.map((c, i) => (i < leftAligned ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

function endpointRow(e: EndpointSummary): string[] {
  const l = e.latencyMs;
  return [
    e.method,
    e.name,
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

const r = (header: string, dropOrder?: number): TextColumn => ({ header, align: 'right', dropOrder });
const ENDPOINT_COLUMNS: TextColumn[] = [
  { header: 'Type', align: 'left' },
  { header: 'Name', align: 'left', shrink: true },
  r('Requests'),
  r('Failures'),
  r('req/s'),
  r('Min', 2),
  r('Mean', 4),
  r('p50'),
  r('p90', 3),
  r('p95'),
  r('p99'),
  r('p99.9', 1),
  r('Max'),
];

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

export interface TableOptions {
  /** Characters a line (default 80, what a terminal or CI log shows without wrapping). */
  width?: number;
}

/** The scenario as the title shows it: relative to the current folder when that is shorter, cut from the left to fit. */
function scenarioName(path: string, room: number): string {
  const rel = relative(process.cwd(), path);
  const name = rel && !rel.startsWith('..') && rel.length < path.length ? rel : path;
  return name.length <= room ? name : '…' + name.slice(name.length - room + 1);
}

/** The final table printed on stdout, in the spirit of Locust's summary, in at most `width` columns. Times in ms. */
export function formatSummaryTable(s: RunSummary, opts: TableOptions = {}): string {
  const width = opts.width ?? 80;
  const out: string[] = [];
  const banner = interruptedBanner(s);
  if (banner) out.push(banner);
  const sweep = sweepUsers(s);
  const users = sweep ? `concurrency ${sweep}` : `${s.meta.users} users`;
  const tail = `, ${(s.meta.durationMs / 1000).toFixed(1)}s, ${users} on ${s.meta.workers} workers`;
  const head = 'Response times (ms) — ';
  out.push(head + scenarioName(s.meta.scenario, Math.max(20, width - head.length - tail.length)) + tail);
  const shown = printable(s.endpoints, (e) => e.requests);
  const endpoints = fitTable(ENDPOINT_COLUMNS, [...shown.map(endpointRow), ['', 'Aggregated', ...endpointRow(s.total).slice(2)]], width);
  out.push(endpoints.text);
  if (endpoints.dropped.length) out.push(`(${endpoints.dropped.join(', ')}: left out to fit ${width} columns; stats.csv has them)`);
  if (shown.length < s.endpoints.length) out.push(`… the busiest ${shown.length} of ${s.endpoints.length} rows; all of them are in stats.csv and summary.json`);
  if (s.names?.warning) out.push(`\nwarning: ${s.names.warning.message}`);
  const aborted = s.endpoints.reduce((a, e) => a + e.aborted, 0);
  if (aborted) out.push(wrapParts(`\n${aborted} requests were still in flight at the end and were aborted (not counted as failures).`.split(' '), width).replace(/  /g, ' '));
  const taskErrors = taskErrorsLine(s.tasks);
  if (taskErrors) out.push(`\n${taskErrors}`);
  if (s.llm) {
    const l = s.llm;
    out.push('\nLLM metrics (ms unless noted)');
    const lrow = (name: string, st: typeof l.ttftMs, f: (x: number) => string = formatMsCompact) => [name, String(st.count), f(st.p50), f(st.p90), f(st.p99), f(st.mean), f(st.max)];
    out.push(
      columns(
        [
          ['Metric', 'Count', 'p50', 'p90', 'p99', 'Mean', 'Max'],
          lrow('TTFT', l.ttftMs),
          lrow('TPOT', l.tpotMs),
          lrow('ITL', l.itlMs),
          lrow('E2E', l.e2eMs),
          lrow('Output speed (tok/s)', l.outputSpeedTokPerS, formatRate),
        ],
        1,
      ),
    );
    const parts = [
      `Requests/s ${l.requestsPerSec.toFixed(2)}`,
      `input tok/s ${l.inputTokensPerSec.toFixed(1)}`,
      `output tok/s ${l.outputTokensPerSec.toFixed(1)}`,
      `total tok/s ${l.totalTokensPerSec.toFixed(1)}`,
    ];
    if (l.goodputPerSec !== null) parts.push(`goodput ${l.goodputPerSec.toFixed(2)} req/s`);
    if (l.images !== undefined) parts.push(`images ${l.images} (${(l.imagesPerSec ?? 0).toFixed(2)}/s)`);
    if (l.audioSeconds !== undefined) parts.push(`audio ${l.audioSeconds.toFixed(1)} s, p50 ${formatRate(l.audioSpeed?.p50 ?? 0)} audio s/s`);
    out.push(wrapParts(parts, width));
    out.push(...llmWorkloadLines(l, width));
    out.push(...llmGroupTables(l, width));
  }
  if (s.stages?.length) {
    out.push('\nSweep');
    const cols: TextColumn[] = [
      { header: 'Stage', align: 'left', shrink: true },
      { header: 'Traffic', align: 'left', shrink: true },
      r(s.stages.some((st) => st.ratePerSec !== undefined) ? 'Rate' : 'Conc.'),
      r('Batch'),
      r('req/s'),
      r('in tok/s'),
      r('out tok/s'),
      r('TTFT p50'),
      r('TTFT p99', 3),
      r('TPOT p50'),
      r('TPOT p99', 1),
      r('E2E p99', 2),
      r('Errors'),
    ];
    const total = s.stages.length + stagesNotRun(s).length;
    const rows = s.stages.map((st, i) => {
      const l = st.llm;
      return [
        `${i + 1}/${total}`,
        st.traffic ?? '',
        st.ratePerSec !== undefined ? `${Math.round(st.ratePerSec * 1000) / 1000}/s` : String(st.concurrency ?? ''),
        st.batchSize !== undefined ? String(st.batchSize) : '',
        st.total.rps.toFixed(2),
        l ? l.inputTokensPerSec.toFixed(1) : '-',
        l ? l.outputTokensPerSec.toFixed(1) : '-',
        l ? formatMsCompact(l.ttftMs.p50) : '-',
        l ? formatMsCompact(l.ttftMs.p99) : '-',
        l ? formatMsCompact(l.tpotMs.p50) : '-',
        l ? formatMsCompact(l.tpotMs.p99) : '-',
        l ? formatMsCompact(l.e2eMs.p99) : formatMsCompact(st.total.latencyMs.p99),
        String(st.total.failures),
      ];
    });
    // A sweep over concurrency alone has no traffic per stage, one without --batch-size no batch, and
    // input tok/s only matters where there is no output (embeddings, rerank): those columns go.
    const noOutput = s.stages.every((st) => !st.llm || st.llm.outputTokens === 0);
    const drop = new Set(cols.map((c, i) => ((c.header === 'Traffic' || c.header === 'Batch') && rows.every((row) => row[i] === '')) || (c.header === 'in tok/s' && !noOutput) ? i : -1));
    const table = fitTable(cols.filter((_, i) => !drop.has(i)), rows.map((row) => row.filter((_, i) => !drop.has(i))), width);
    out.push(table.text);
  }
  if (s.errors.length) {
    out.push('\nErrors');
    const cols: TextColumn[] = [r('Count'), { header: 'Type', align: 'left' }, { header: 'Name', align: 'left', shrink: true }, { header: 'Message', align: 'left', shrink: true }];
    // The message is cut first: it is the widest column; the name only when a message is not enough.
    // Where a task threw gets a line of its own under the message, so cutting the message to fit never hides it.
    const rows = s.errors.slice(0, 20).flatMap((e) => [[String(e.count), e.method, cut(e.name, 30), e.message], ...(e.location ? [['', '', '', `at ${e.location}`]] : [])]);
    out.push(fitTable(cols.map((c) => (c.header === 'Name' ? { ...c, shrink: false } : c)), rows, width).text);
    if (s.errors.length > 20) out.push(`… and ${s.errors.length - 20} more kinds (see summary.json)`);
  }
  if (s.checks.length) {
    out.push('\nChecks');
    const cols: TextColumn[] = [{ header: 'Check', align: 'left', shrink: true }, r('Passes'), r('Fails'), r('Rate')];
    out.push(fitTable(cols, printable(s.checks, (c) => c.fails * 1e9 + c.passes + c.fails).map((c) => [c.name, String(c.passes), String(c.fails), `${((c.passes / Math.max(1, c.passes + c.fails)) * 100).toFixed(2)}%`]), width).text);
    if (s.checks.length > MAX_TABLE_ROWS) out.push(`… ${MAX_TABLE_ROWS} of ${s.checks.length} checks (the failing and busiest ones); all of them are in summary.json`);
  }
  const wrapped = (text: string) => wrapParts(text.split(' '), width).replace(/  /g, ' ');
  if (s.capacity) out.push('\nCapacity', wrapped(s.capacity.message));
  if (s.saturation?.saturated) out.push('', wrapped(`Over-saturated: ${s.saturation.reasons.join('; ')} (docs/capacity.md)`));
  if (s.thresholds?.length) {
    out.push('\nThresholds');
    for (const t of s.thresholds) out.push(`  ${t.ok ? '✓' : '✗'} ${t.expression}${t.value === null ? ` (${formatThresholdValue(t)})` : ` (observed ${formatThresholdValue(t)})`}`);
  }
  out.push('');
  out.push(...runEndLines(s).map((line) => wrapParts(line.split(' '), width).replace(/  /g, ' ')));
  return out.join('\n') + '\n';
}
