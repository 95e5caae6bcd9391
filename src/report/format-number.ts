/** Number formatting shared by the reports: TUI, headless lines, final table, HTML and `bench compare`. */

/** Milliseconds to a short human string: 0.84 ms, 312 ms, 1.46 s, 2m 05s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 10) return `${trim(ms, 2)} ms`;
  if (ms < 1000) return `${trim(ms, ms < 100 ? 1 : 0)} ms`;
  if (ms < 60_000) return `${trim(ms / 1000, 2)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/**
 * Milliseconds for narrow columns headed "ms": precision shrinks as the value
 * grows (0.84, 31.2, 312); from 100 s on, whole seconds with their unit ("120s").
 * `unit` is appended to the millisecond forms only: formatMsCompact(312, ' ms') is "312 ms".
 */
export function formatMsCompact(ms: number, unit = ''): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms >= 100_000) return `${Math.round(ms / 1000)}s`;
  if (ms === 0) return `0${unit}`;
  if (ms < 10) return `${ms.toFixed(2)}${unit}`;
  if (ms < 100) return `${ms.toFixed(1)}${unit}`;
  return `${Math.round(ms)}${unit}`;
}

/**
 * A rate such as tok/s for narrow columns: 8.42, 50.0, 312, 265,290. Never a
 * time unit: formatMsCompact would print 265,290 tok/s as "265s".
 */
export function formatRate(x: number): string {
  if (!Number.isFinite(x)) return '-';
  if (x === 0) return '0';
  if (Math.abs(x) < 10) return x.toFixed(2);
  if (Math.abs(x) < 100) return x.toFixed(1);
  return Math.round(x).toLocaleString('en-US');
}

/** A statistic in a table cell (ms or tok/s): two decimals below 10, one above. */
export function formatFigure(x: number): string {
  return formatNumber(x, Math.abs(x) < 10 ? 2 : 1);
}

/** One formatter per number of decimals: toLocaleString with options builds a new one on every call (~50 µs; a report with 2,000 names calls it 10,000 times). */
const numberFormats = new Map<number, Intl.NumberFormat>();

/** A count or rate with at most `digits` decimals and thousands separators. */
export function formatNumber(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return '–';
  let f = numberFormats.get(digits);
  if (!f) numberFormats.set(digits, (f = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits })));
  return f.format(x);
}

/** A fraction 0..1 as a percentage. */
export function formatPercent(fraction: number, digits = 2): string {
  return `${formatNumber(fraction * 100, digits)}%`;
}

/** Bytes as B, kB, MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  if (bytes < 1e6) return `${trim(bytes / 1000, 1)} kB`;
  return `${trim(bytes / 1e6, 1)} MB`;
}

const trim = (x: number, digits: number): string => String(Number(x.toFixed(digits)));
