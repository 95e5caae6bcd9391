/** Figures over interleaved rounds (bench/llm.ts --rounds): medians, and ratios paired by round. */

/** The median of the finite values; NaN when there is none. */
export function median(xs: readonly number[]): number {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/**
 * a / b of each round both have a positive figure for. Runs of one round ran
 * back to back, under the same load on the machine, so a round's own ratio is
 * steadier than the ratio of two medians taken from different rounds.
 */
export function pairedRatios(a: ReadonlyMap<number, number | undefined>, b: ReadonlyMap<number, number | undefined>): number[] {
  const out: number[] = [];
  for (const [round, x] of a) {
    const y = b.get(round);
    if (x !== undefined && y !== undefined && Number.isFinite(x) && y > 0) out.push(x / y);
  }
  return out;
}

/** `1.23x`, or with several rounds their median and range: `1.23x (1.10–1.40)`; `n/a` without any. */
export function formatRatios(rs: readonly number[]): string {
  if (rs.length === 0) return 'n/a';
  if (rs.length === 1) return `${rs[0]!.toFixed(2)}x`;
  return `${median(rs).toFixed(2)}x (${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)})`;
}
