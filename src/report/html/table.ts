import { html, type SafeHtml } from './safe-html.js';

export interface Column<Row> {
  header: string;
  /** Text columns are left-aligned; numbers right-aligned. */
  text?: boolean;
  /** Long user text (names, error messages) may wrap; everything else stays on one line. */
  wrap?: boolean;
  cell: (row: Row) => string | number | SafeHtml;
  /** Extra class for a cell, e.g. 'bad' to mark a failure. */
  className?: (row: Row) => string | undefined;
}

/**
 * A table with a header row; `total` rows are set apart (Locust's Aggregated).
 * A compact table is as wide as its content, for short lists such as thresholds.
 */
export function table<Row>(columns: Array<Column<Row>>, rows: Row[], options: { total?: Row; compact?: boolean } = {}): SafeHtml {
  const { total, compact } = options;
  const cls = (c: Column<Row>, r: Row): string => [c.text ? 'text' : '', c.wrap ? 'wrap' : '', c.className?.(r) ?? ''].filter(Boolean).join(' ');
  const tr = (r: Row, extra = ''): SafeHtml => html`<tr${extra ? html` class="${extra}"` : ''}>${columns.map((c) => html`<td class="${cls(c, r)}">${c.cell(r)}</td>`)}</tr>`;
  return html`<div class="table-wrap${compact ? ' compact' : ''}"><table>
<thead><tr>${columns.map((c) => html`<th class="${c.text ? 'text' : ''}">${c.header}</th>`)}</tr></thead>
<tbody>${rows.map((r) => tr(r))}${total !== undefined ? tr(total, 'total') : ''}</tbody>
</table></div>`;
}
