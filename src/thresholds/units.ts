import type { MetricKind, ValueUnit } from './threshold.js';
import { parseDurationMs } from '../util/duration.js';

const UNITS: readonly string[] = ['ms', 's', 'm', '%'];
const MS_PER: Record<'ms' | 's' | 'm', number> = { ms: 1, s: 1000, m: 60_000 };

/** Parses the limit after the operator (`300ms`, `1 s`, `99.5%`, `0.01`); returns a problem as a string. */
export function parseLimit(text: string, op: string): { limit: number; unit: ValueUnit } | string {
  if (text === '') return `expected a number after "${op}"`;
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*([^\s\d.+-]*)$/.exec(text);
  if (!m) return `expected a number with an optional unit after "${op}", got "${text}"`;
  const unit = m[2]!;
  if (!UNITS.includes(unit) && unit !== '') return `unknown unit "${unit}" in "${text}"; expected ms, s, m or %`;
  return { limit: Number(m[1]), unit: unit as ValueUnit };
}

/** Checks that a unit fits the kind of metric; returns a problem or null. */
export function unitProblem(unit: ValueUnit, kind: MetricKind, metric: string): string | null {
  if (kind === 'duration' && unit === '%') return `"%" does not fit ${metric}, a duration; write ms, s or m, e.g. 300ms`;
  if (kind === 'rate' && unit !== '%' && unit !== '') return `"${unit}" does not fit ${metric}, a rate; write a percentage like 1% or a fraction like 0.01`;
  if (kind === 'number' && unit !== '') return `"${unit}" does not fit ${metric}, a plain number; write it without a unit, e.g. ${metric}>100`;
  return null;
}

/**
 * Converts a base value (ms for durations, a fraction for rates) into the unit
 * the expression was written in, so results read like the expression.
 * A bare number on a duration means milliseconds.
 */
export function toExpressionUnit(base: number, kind: MetricKind, unit: ValueUnit): number {
  if (kind === 'duration') return base / MS_PER[unit === '' || unit === '%' ? 'ms' : unit];
  if (kind === 'rate' && unit === '%') return base * 100;
  return base;
}

/** A Duration as the options take it: `'10s'`, `'1m30s'`, or a number of seconds (util/duration.ts, the one rule). */
export function parseDelayMs(value: string | number): number | string {
  const ms = parseDurationMs(value);
  if (ms !== undefined) return ms;
  return typeof value === 'number' ? `expected a duration like "10s" or a number of seconds, got ${value}` : `expected a duration like "10s" or "1m30s", got "${value}"`;
}
