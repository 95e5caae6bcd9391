import { SERVER_SERIES } from '../../metrics/server-figures.js';
import type { HistoryRow } from '../../metrics/summary-types.js';

/**
 * history.csv's columns of the server's own figures (--server-metrics): one per
 * series any row has, headed `server <name>`, the known ones first in their
 * documented order (docs/telemetry.md).
 */
export function serverColumns(history: readonly HistoryRow[]): Array<{ header: string; value: (row: HistoryRow) => number | undefined }> {
  const seen = new Set<string>();
  for (const r of history) for (const k of Object.keys(r.server ?? {})) seen.add(k);
  const known = SERVER_SERIES.map((s) => s.name).filter((n) => seen.has(n));
  const others = [...seen].filter((n) => !known.includes(n)).sort();
  return [...known, ...others].map((name) => ({ header: `server ${name}`, value: (r: HistoryRow) => r.server?.[name] }));
}
