import type { Measurement } from './measure.js';

export const reqPerSec = (m: Measurement): number | undefined => (m.ok && m.windowSec > 0 ? m.windowRequests / m.windowSec : undefined);
export const reqPerCpuSec = (m: Measurement): number | undefined => (m.ok && m.windowCpuSec ? m.windowRequests / m.windowCpuSec : undefined);
export const lifetimeReqPerCpuSec = (m: Measurement): number | undefined => (m.ok && m.lifetimeCpuSec ? m.lifetimeRequests / m.lifetimeCpuSec : undefined);

const int = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? 'n/a' : Math.round(x).toLocaleString('en-US'));
const fix = (x: number | undefined, d = 2) => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));

/** A plain fixed-width table: first column left-aligned, the rest right-aligned. */
export function formatTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function resultsTable(ms: Measurement[]): string {
  const head = ['generator', 'pinning', 'req/s', 'gen CPU', 'req/CPU-s', 'target CPU', 'other CPU', 'whole-run req/CPU-s', 'tool req/s', 'failures'];
  const rows = ms.map((m) =>
    m.ok
      ? [m.label, m.pinned, int(reqPerSec(m)), fix(m.windowCpuSec && m.windowCpuSec / m.windowSec), int(reqPerCpuSec(m)), fix(m.targetCores), fix(m.otherCores), int(lifetimeReqPerCpuSec(m)), int(m.tool.rps), int(m.tool.failures)]
      : [m.label, m.pinned, 'failed', '', '', '', '', '', '', ''],
  );
  return formatTable(head, rows);
}

export function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined || b === 0 ? 'n/a' : `${(a / b).toFixed(2)}x`;
}
