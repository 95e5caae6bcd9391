import type { Comparison, ComparisonRow } from './compare.js';
import { formatNumber } from './format-number.js';

export interface RunLabel {
  label: string;
  scenario: string;
  startTime: string;
}

/** A figure with its unit, as the comparison tables show it. */
export const formatComparisonValue = (x: number | null, unit: ComparisonRow['unit']): string => {
  if (x === null) return '–';
  const digits = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2;
  return `${formatNumber(x, digits)}${unit === '' ? '' : unit === 'ms' || unit === 'tok/s' ? ` ${unit}` : unit}`;
};

/** A row's change: +12.5%, new, gone, +∞ or –. */
export const formatChange = (r: ComparisonRow): string => {
  // Neither run has it (e.g. a latency with no completed request): nothing new about it.
  if (r.changePct === null) return r.a === null && r.b === null ? '–' : r.a === null ? 'new' : r.b === null ? 'gone' : '–';
  if (!Number.isFinite(r.changePct)) return r.changePct > 0 ? '+∞' : '−∞';
  const pct = Math.round(r.changePct * 10) / 10;
  return `${pct > 0 ? '+' : ''}${pct}%`;
};

/** The comparison as a plain-text table, one block per endpoint, regressions marked. */
export function formatComparison(c: Comparison, a: RunLabel, b: RunLabel): string {
  const header = ['', 'A', 'B', 'change', ''];
  const table: string[][] = [];
  let scope = '';
  for (const r of c.rows) {
    if (r.scope !== scope) {
      scope = r.scope;
      table.push([scope, '', '', '', '']);
    }
    const beyond = r.better !== 'none' && r.changePct !== null && Math.abs(r.changePct) > c.tolerancePct;
    const mark = r.regression ? '✗ regression' : beyond && r.fewSamples ? `? too few samples (${Math.min(r.samples.a, r.samples.b)} < ${c.minSamples})` : beyond ? '✓ better' : '';
    table.push([`  ${r.metric}`, formatComparisonValue(r.a, r.unit), formatComparisonValue(r.b, r.unit), formatChange(r), mark]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => [...row[i]!].length)));
  const line = (row: string[]): string =>
    row.map((cell, i) => (i === 0 || i === row.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  const verdict =
    c.regressions === 0 ? `no regressions beyond ${c.tolerancePct}%` : `${c.regressions} regression${c.regressions === 1 ? '' : 's'} beyond ${c.tolerancePct}%`;
  const few = c.rows.filter((r) => r.fewSamples && r.changePct !== null && Math.abs(r.changePct) > c.tolerancePct).length;
  return [
    `A: ${a.label}  (${a.scenario}, ${a.startTime})`,
    `B: ${b.label}  (${b.scenario}, ${b.startTime})`,
    ...(c.warnings ?? []).map((w) => `warning: ${w}`),
    '',
    line(header),
    ...table.map(line),
    '',
    verdict + (few ? `; ${few} change${few === 1 ? '' : 's'} on fewer than ${c.minSamples} samples a side not counted` : ''),
    '',
  ].join('\n');
}
