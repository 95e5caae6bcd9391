import { esc, fit, wrapTagged } from './text.js';

/**
 * Charts drawn with Unicode eighth blocks (▁..█): a column per point, eight
 * levels per row. A few lines of code instead of blessed-contrib, which is
 * unmaintained and heavy.
 */
const BLOCKS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

const NICE_STEPS = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];

/** Rounds up to a round number, so the axis reads 0..50 rather than 0..47.3, without wasting much height. */
export function niceCeil(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  const m = x / p;
  return NICE_STEPS.find((step) => m <= step + 1e-9)! * p;
}

function maxOf(values: number[]): number {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return max;
}

/** One row of blocks, newest point on the right; NaN and zero draw as blank. */
export function sparkline(values: number[], width: number, max = maxOf(values)): string {
  const shown = values.slice(-width);
  let out = ' '.repeat(Math.max(0, width - shown.length));
  for (const v of shown) {
    if (!(v > 0) || !(max > 0)) out += ' ';
    else out += BLOCKS[Math.min(8, Math.max(1, Math.ceil((v / max) * 8)))];
  }
  return out;
}

export interface BlockChartOptions {
  /** The series that gives each column its height. */
  upper: number[];
  /** An optional second series, never above `upper` (failures under requests, p50 under p95). */
  lower?: number[];
  width: number;
  height: number;
  upperStyle: string;
  lowerStyle?: string;
  /** Full cells of the lower series use this glyph (▒ by default), so the two series differ without colour too. */
  lowerGlyph?: string;
  /** Formats the axis labels; the gutter is left out when absent. */
  axis?: (v: number) => string;
}

const GUTTER = 7;
/** The lower series' full cells: a shade, told apart from the upper series' █ without colour. */
export const LOWER_GLYPH = '▒';

/**
 * A multi-row bar chart as tagged lines, top row first. A cell takes the lower
 * series' colour when that series fills at least half of it, and the bottom cell
 * does whenever the lower series is above zero: a few failures among thousands of
 * requests must still be seen.
 */
export function blockChart(o: BlockChartOptions): string[] {
  const gutter = o.axis && o.width > GUTTER + 10 ? GUTTER : 0;
  const plotWidth = o.width - gutter;
  const upper = o.upper.slice(-plotWidth);
  const lower = o.lower?.slice(-plotWidth);
  const pad = plotWidth - upper.length;
  const top = niceCeil(maxOf(upper));
  const lines: string[] = [];
  for (let row = o.height - 1; row >= 0; row--) {
    let line = '';
    if (gutter) {
      const label = row === o.height - 1 ? o.axis!(top) : row === 0 ? '0' : '';
      line += esc(`${fit(label, gutter - 1, 'right')}│`);
    }
    line += ' '.repeat(pad);
    let runStyle: string | undefined;
    let run = '';
    const flush = (): void => {
      if (run) line += wrapTagged(runStyle, esc(run));
      run = '';
    };
    for (let i = 0; i < upper.length; i++) {
      const fill = cellFill(upper[i], top, row, o.height);
      const lowerFill = lower ? cellFill(lower[i], top, row, o.height) : 0;
      const inLower = lowerFill >= 4 || (row === 0 && lowerFill > 0);
      const style = fill === 0 ? undefined : inLower && o.lowerStyle ? o.lowerStyle : o.upperStyle;
      if (style !== runStyle) {
        flush();
        runStyle = style;
      }
      run += lowerFill === 8 && fill === 8 ? (o.lowerGlyph ?? LOWER_GLYPH) : BLOCKS[fill];
    }
    flush();
    lines.push(line);
  }
  return lines;
}

/** How many eighths of the cell at `row` (0 = bottom) a value fills; any value above zero shows. */
function cellFill(v: number, top: number, row: number, height: number): number {
  if (!(v > 0)) return 0;
  // Rounded first, so 16.0000001 eighths does not spill a sliver into the next row.
  const eighths = Math.round((v / top) * height * 8 * 1e6) / 1e6;
  return Math.min(8, Math.max(0, Math.ceil(eighths - row * 8)));
}
