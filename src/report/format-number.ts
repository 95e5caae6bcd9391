/** Number formatting shared by the HTML report and `bench compare`. */

/** Milliseconds to a short human string: 0.84 ms, 312 ms, 1.46 s, 2m 05s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 10) return `${trim(ms, 2)} ms`;
  if (ms < 1000) return `${trim(ms, ms < 100 ? 1 : 0)} ms`;
  if (ms < 60_000) return `${trim(ms / 1000, 2)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** A count or rate with at most `digits` decimals and thousands separators. */
export function formatNumber(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return '–';
  return x.toLocaleString('en-US', { maximumFractionDigits: digits });
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
