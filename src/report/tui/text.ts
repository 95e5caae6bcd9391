/**
 * Text helpers for the TUI. Every cell is padded on plain text first and painted
 * (wrapped in blessed tags) last, so widths never have to be measured through tags.
 * All characters drawn are assumed to be one column wide.
 *
 * Only the eight basic colours are used, and no gray: blessed cannot read the
 * terminfo format of current ncurses (tmux-256color, for one), falls back to an
 * 8-colour entry, and there draws gray as black, invisible on a dark terminal.
 */

/** Escapes `{` and `}` so names and error messages are never read as blessed tags. */
export function esc(text: string): string {
  return text.replace(/[{}]/g, (ch) => (ch === '{' ? '{open}' : '{close}'));
}

/** Wraps plain text in blessed style tags; several styles are space-separated: paint('white-fg red-bg', 'FAIL'). */
export function paint(style: string | undefined, text: string): string {
  return wrapTagged(style, esc(text));
}

/** Like paint, for text that is already escaped or tagged. */
export function wrapTagged(style: string | undefined, tagged: string): string {
  if (!style) return tagged;
  const names = style.split(' ');
  return names.map((n) => `{${n}}`).join('') + tagged + names.reverse().map((n) => `{/${n}}`).join('');
}

/** Cuts or pads plain text to exactly `width` columns; cut text ends with '…'. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
  return align === 'left' ? text.padEnd(width) : text.padStart(width);
}

/** Whole numbers with thousands separators; millions and more as 1.23M. */
export function fmtCount(n: number): string {
  if (!Number.isFinite(n)) return '-';
  if (Math.abs(n) >= 10_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  return Math.round(n).toLocaleString('en-US');
}

/** Rates keep one decimal while small, where the decimal still says something. */
export function fmtRate(n: number): string {
  if (!Number.isFinite(n)) return '-';
  if (Math.abs(n) < 100) return n.toFixed(1);
  return fmtCount(n);
}

/**
 * 0..1 as a percentage: 0.1234 → '12%', 0.012 → '1.2%'. Never rounds to 0% or
 * 100% what is not: 15 failed checks out of 6,000 read 99.7%, not 100%.
 */
export function fmtPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return '-';
  const p = ratio * 100;
  if (p > 0 && p < 10) return `${Math.max(0.1, Math.round(p * 10) / 10).toFixed(1)}%`;
  if (p > 99 && p < 100) return `${Math.min(99.9, Math.floor(p * 10) / 10).toFixed(1)}%`;
  return `${Math.round(p)}%`;
}

/** A duration for people: 45s, 1m02s, 1h02m. */
export function fmtDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A horizontal bar of `width` columns filled to `ratio` (0..1), in eighths of a column. */
export function hbar(ratio: number, width: number): { filled: string; empty: string } {
  const r = Math.min(1, Math.max(0, Number.isFinite(ratio) ? ratio : 0));
  const eighths = Math.round(r * width * 8);
  const full = Math.floor(eighths / 8);
  const part = EIGHTHS[eighths % 8];
  const filled = '█'.repeat(full) + part;
  return { filled, empty: '░'.repeat(Math.max(0, width - full - (part ? 1 : 0))) };
}

/** Words wrapped onto as many lines as they need, each padded to `width`. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  if (current) lines.push(current);
  return lines.map((l) => fit(l, width));
}
