import { parseDurationMs } from '../util/duration.js';

const RATE = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*\/\s*(\d*(?:\.\d+)?\s*(?:ms|s|m|h))\s*$/;

/**
 * Parses an arrival rate into arrivals per second: `'50/s'`, `'3000/m'`,
 * `'1/2s'`, `'10/100ms'`, or a plain number (per second). Returns undefined
 * when the text is not a rate; a rate of 0 is returned as 0 (stages may pause).
 */
export function parseRatePerSec(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const m = RATE.exec(text);
  if (!m) return undefined;
  const unit = m[2]!.replace(/\s+/g, '');
  const perMs = parseDurationMs(/^\d/.test(unit) ? unit : `1${unit}`);
  if (perMs === undefined || perMs <= 0) return undefined;
  return (Number(m[1]) * 1000) / perMs;
}

/** Formats arrivals per second for messages and tables: `50/s`, `0.5/s`. */
export function formatRate(perSec: number): string {
  return `${Math.round(perSec * 1000) / 1000}/s`;
}
