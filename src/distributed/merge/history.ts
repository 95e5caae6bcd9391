import type { HistoryRow } from '../../metrics/summary-types.js';

/** One instance's history with the wall-clock time its load started. */
export interface InstanceHistory {
  rows: HistoryRow[];
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Lines the per-second histories of the instances up by wall-clock time
 * (each row's `timestamp`) into one-second buckets from the earliest row.
 * In each bucket, an instance's rows are averaged (it may have 0–2 rows in a
 * given second), then rates and users are summed over the instances.
 *
 * Per-second percentiles cannot be merged exactly (the history keeps no
 * histograms): a bucket's p50/p95/p99 are the instances' values weighted by
 * their requests in that second. The run's totals and per-endpoint
 * percentiles do not come from here and are exact.
 */
export function mergeHistories(instances: readonly InstanceHistory[]): HistoryRow[] {
  const stamped = instances.map((inst) => inst.rows.map((row) => ({ row, ms: Date.parse(row.timestamp) })).filter((x) => Number.isFinite(x.ms)));
  const all = stamped.flat();
  if (all.length === 0) return [];
  // Rows are stamped at the end of their second: the first bucket ends at the earliest stamp.
  const origin = Math.min(...all.map((x) => x.ms)) - 1000;
  const buckets = new Map<number, Array<HistoryRow[]>>();
  stamped.forEach((rows, i) => {
    for (const { row, ms } of rows) {
      const k = Math.max(1, Math.round((ms - origin) / 1000));
      let b = buckets.get(k);
      if (!b) buckets.set(k, (b = instances.map(() => [])));
      b[i]!.push(row);
    }
  });
  return [...buckets.keys()]
    .sort((a, b) => a - b)
    .map((k) => {
      const perInstance = buckets.get(k)!.filter((rows) => rows.length > 0).map(averageRows);
      return sumRows(perInstance, k, new Date(origin + k * 1000).toISOString());
    });
}

function averageRows(rows: HistoryRow[]): HistoryRow {
  if (rows.length === 1) return rows[0]!;
  const avg = (f: (r: HistoryRow) => number | undefined): number | undefined => {
    const vals = rows.map(f).filter((v): v is number => v !== undefined);
    return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : undefined;
  };
  return {
    ...rows[rows.length - 1]!,
    users: Math.round(avg((r) => r.users)!),
    rps: avg((r) => r.rps)!,
    failuresPerSec: avg((r) => r.failuresPerSec)!,
    p50Ms: avg((r) => r.p50Ms ?? undefined) ?? null,
    p95Ms: avg((r) => r.p95Ms ?? undefined) ?? null,
    p99Ms: avg((r) => r.p99Ms ?? undefined) ?? null,
    ttftP50Ms: avg((r) => r.ttftP50Ms),
    ttftP99Ms: avg((r) => r.ttftP99Ms),
    outputTokensPerSec: avg((r) => r.outputTokensPerSec),
  };
}

function weighted(rows: HistoryRow[], f: (r: HistoryRow) => number | undefined): number | undefined {
  let w = 0;
  let sum = 0;
  let plain = 0;
  let n = 0;
  for (const r of rows) {
    const v = f(r);
    if (v === undefined) continue;
    sum += v * r.rps;
    w += r.rps;
    plain += v;
    n++;
  }
  if (n === 0) return undefined;
  return r3(w > 0 ? sum / w : plain / n);
}

function sumRows(rows: HistoryRow[], t: number, timestamp: string): HistoryRow {
  const sum = (f: (r: HistoryRow) => number | undefined) => rows.reduce((a, r) => a + (f(r) ?? 0), 0);
  const out: HistoryRow = {
    t,
    timestamp,
    users: sum((r) => r.users),
    rps: r3(sum((r) => r.rps)),
    failuresPerSec: r3(sum((r) => r.failuresPerSec)),
    p50Ms: weighted(rows, (r) => r.p50Ms ?? undefined) ?? null,
    p95Ms: weighted(rows, (r) => r.p95Ms ?? undefined) ?? null,
    p99Ms: weighted(rows, (r) => r.p99Ms ?? undefined) ?? null,
  };
  const ttft50 = weighted(rows, (r) => r.ttftP50Ms);
  if (ttft50 !== undefined) {
    out.ttftP50Ms = ttft50;
    out.ttftP99Ms = weighted(rows, (r) => r.ttftP99Ms);
    out.outputTokensPerSec = Math.round(sum((r) => r.outputTokensPerSec) * 10) / 10;
  }
  const stage = rows.find((r) => r.stage)?.stage;
  if (stage) out.stage = stage;
  return out;
}
