/** Plain-text tables that fit a width: columns drop out in a set order, then one column is cut short. */

export interface TextColumn {
  header: string;
  align: 'left' | 'right';
  /** Left out to fit the width, lowest first; columns without one always stay. */
  dropOrder?: number;
  /** The column cut short (with …) when dropping is not enough. */
  shrink?: boolean;
}

export interface FittedTable {
  text: string;
  /** Headers of the columns left out to fit. */
  dropped: string[];
}

const GAP = 2;
const MIN_SHRUNK = 10;

const widthOf = (rows: string[][], i: number): number => rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), 0);

export function cut(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, Math.max(1, n - 1)) + '…';
}

/** Formats `rows` under `cols` in at most `width` characters a line (when the kept columns can fit at all). */
export function fitTable(cols: TextColumn[], rows: string[][], width = 80): FittedTable {
  const all = [cols.map((c) => c.header), ...rows.map((r) => r.map((c) => c.replace(/\s+/g, ' ')))];
  let keep = cols.map((_, i) => i);
  const total = (idx: number[]) => idx.reduce((a, i) => a + widthOf(all, i), 0) + GAP * (idx.length - 1);
  const droppable = cols
    .map((c, i) => ({ i, order: c.dropOrder }))
    .filter((d): d is { i: number; order: number } => d.order !== undefined)
    .sort((a, b) => a.order - b.order);
  const dropped: string[] = [];
  for (const d of droppable) {
    if (total(keep) <= width) break;
    keep = keep.filter((i) => i !== d.i);
    dropped.push(cols[d.i]!.header);
  }
  const widths = new Map(keep.map((i) => [i, widthOf(all, i)]));
  const over = total(keep) - width;
  const shrink = keep.find((i) => cols[i]!.shrink);
  if (over > 0 && shrink !== undefined) widths.set(shrink, Math.max(MIN_SHRUNK, cols[shrink]!.header.length, widths.get(shrink)! - over));
  const text = all
    .map((r) =>
      keep
        .map((i) => {
          const w = widths.get(i)!;
          const cell = cut(r[i] ?? '', w);
          return cols[i]!.align === 'left' ? cell.padEnd(w) : cell.padStart(w);
        })
        .join(' '.repeat(GAP))
        .trimEnd(),
    )
    .join('\n');
  return { text, dropped };
}

/** Words joined by two spaces, broken into lines of at most `width`. */
export function wrapParts(parts: string[], width = 80): string {
  const lines: string[] = [];
  let line = '';
  for (const p of parts) {
    if (line && line.length + 2 + p.length > width) {
      lines.push(line);
      line = p;
    } else line = line ? `${line}  ${p}` : p;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}
