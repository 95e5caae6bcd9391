/**
 * Where each section's box goes. Boxes are stacked in columns: every box first
 * gets its minimum (boxes that do not fit are left out, least important first),
 * then the spare rows go, top to bottom, to the other boxes up to what they
 * want, and all that is left to the one box that grows.
 */

export type SectionId =
  | 'endpoints'
  | 'charts'
  | 'problemsSummary'
  | 'health'
  | 'llmStats'
  | 'llmCharts'
  | 'errors'
  | 'checks'
  | 'thresholds';

export interface StackItem {
  id: SectionId;
  /** Content rows (inside the border). */
  min: number;
  want: number;
  /** Takes all spare rows; by default the last box does, so the boxes above stay packed to their content. */
  grow?: boolean;
  /** Lower is kept longer when rows run out; defaults to the item's position. */
  keep?: number;
}

export interface Placement {
  id: SectionId;
  top: number;
  left: number;
  width: number;
  height: number;
}

/**
 * Boxes with a full border in wide terminals; in small ones only a top rule
 * carrying the label, which saves a row and two columns per box.
 */
export type Frame = 'box' | 'rule';

export const frameRows = (f: Frame): number => (f === 'box' ? 2 : 1);
export const frameCols = (f: Frame): number => (f === 'box' ? 2 : 0);

export function stack(items: StackItem[], frame: Frame, top: number, left: number, width: number, height: number): Placement[] {
  const border = frameRows(frame);
  const byKeep = items.map((it, i) => ({ it, keep: it.keep ?? i })).sort((a, b) => a.keep - b.keep);
  const kept = new Set<StackItem>();
  let used = 0;
  for (const { it } of byKeep) {
    if (used + it.min + border > height) continue;
    kept.add(it);
    used += it.min + border;
  }
  const shown = items.filter((it) => kept.has(it));
  const rows = new Map(shown.map((it) => [it, it.min]));
  const grower = shown.find((it) => it.grow) ?? shown[shown.length - 1];
  let spare = height - used;
  for (const it of shown) {
    if (it === grower) continue;
    const more = Math.min(spare, Math.max(0, it.want - it.min));
    rows.set(it, rows.get(it)! + more);
    spare -= more;
  }
  if (grower && spare > 0) rows.set(grower, rows.get(grower)! + spare);
  const out: Placement[] = [];
  let y = top;
  for (const it of shown) {
    const h = rows.get(it)! + border;
    out.push({ id: it.id, top: y, left, width, height: h });
    y += h;
  }
  return out;
}

/** Splits a width into a left and a right column, the right one `rightWidth` wide. */
export function columns(left: number, width: number, rightWidth: number): [{ left: number; width: number }, { left: number; width: number }] {
  return [
    { left, width: width - rightWidth },
    { left: left + width - rightWidth, width: rightWidth },
  ];
}
