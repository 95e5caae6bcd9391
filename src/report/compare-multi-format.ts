import type { Comparison, ComparisonRow } from './compare.js';
import { formatComparisonValue, formatChange, type RunLabel } from './compare-format.js';

/** A letter per run: A is the baseline, then B, C, … (AA after Z). */
export const runLetter = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : `${runLetter(Math.floor(i / 26) - 1)}${runLetter(i % 26)}`);

/**
 * Several runs against the first as one table: a column per run, each after
 * the baseline with its change and a mark (✗ regression, ✓ better, ? too few
 * samples). `comparisons[i]` compares run i+1 with the baseline.
 */
export function formatMultiComparison(comparisons: Comparison[], labels: RunLabel[]): string {
  const tolerancePct = comparisons[0]?.tolerancePct ?? 0;
  const keyOf = (r: ComparisonRow) => `${r.scope}\u0000${r.metric}`;
  const order: Array<{ scope: string; metric: string; key: string }> = [];
  const seen = new Set<string>();
  for (const c of comparisons) {
    for (const r of c.rows) {
      const key = keyOf(r);
      if (!seen.has(key)) order.push({ scope: r.scope, metric: r.metric, key }), seen.add(key);
    }
  }
  const byKey = comparisons.map((c) => new Map(c.rows.map((r) => [keyOf(r), r])));
  const header = ['', ...labels.map((_, i) => runLetter(i))];
  const table: string[][] = [];
  let scope = '';
  // Scopes in the order first seen, each once (a later comparison may add an endpoint).
  const scopes = [...new Set(order.map((o) => o.scope))];
  for (const s of scopes) {
    for (const o of order.filter((x) => x.scope === s)) {
      if (o.scope !== scope) {
        scope = o.scope;
        table.push([scope, ...labels.map(() => '')]);
      }
      const rows = byKey.map((m) => m.get(o.key));
      const base = rows.find((r) => r !== undefined);
      const baseline = base ? formatComparisonValue(rows.find((r) => r && r.a !== null)?.a ?? null, base.unit) : '–';
      const cells = rows.map((r, i) => {
        if (!r) return '–';
        if (r.b === null) return r.a === null ? '–' : 'gone';
        const c = comparisons[i]!;
        const beyond = r.better !== 'none' && r.changePct !== null && Math.abs(r.changePct) > c.tolerancePct;
        const mark = r.regression ? ' ✗' : beyond && r.fewSamples ? ' ?' : beyond ? ' ✓' : '';
        const change = formatChange(r);
        return `${formatComparisonValue(r.b, r.unit)}${change === '–' ? '' : ` (${change})`}${mark}`;
      });
      table.push([`  ${o.metric}`, baseline, ...cells]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => [...row[i]!].length)));
  const line = (row: string[]): string => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  const regressed = comparisons.map((c, i) => ({ letter: runLetter(i + 1), n: c.regressions })).filter((x) => x.n > 0);
  const verdict =
    regressed.length === 0
      ? `no regressions beyond ${tolerancePct}% against A`
      : `regressions beyond ${tolerancePct}% against A: ${regressed.map((x) => `${x.letter} ${x.n}`).join(', ')}`;
  return [
    ...labels.map((l, i) => `${runLetter(i)}: ${l.label}  (${l.scenario}, ${l.startTime})${i === 0 ? '  baseline' : ''}`),
    ...comparisons.flatMap((c, i) => (c.warnings ?? []).map((w) => `warning (${runLetter(i + 1)} against A): ${w.replace(/\bB\b/g, runLetter(i + 1))}`)),
    '',
    line(header),
    ...table.map(line),
    '',
    `${verdict}; ✗ regression, ✓ better, ? change on fewer than ${comparisons[0]?.minSamples ?? 0} samples a side (not counted)`,
    '',
  ].join('\n');
}
