import type { MetricsAggregate } from './aggregate.js';
import type { ArrivalFigures, StageRow } from './live-snapshot.js';
import type { StageSummary } from './summary-types.js';

/** Counter of arrivals that a user took and started (the open models' achieved rate). */
export const ARRIVALS_STARTED = 'arrivals_started';
/** Counter of arrivals that found no free user (k6's name). */
export const DROPPED_ITERATIONS = 'dropped_iterations';

/** An open model's arrivals in the last interval and so far, beside the rate asked for. */
export function arrivalFigures(total: MetricsAggregate, interval: MetricsAggregate, intervalSec: number, targetPerSec: number | undefined): ArrivalFigures {
  const started = interval.counters[ARRIVALS_STARTED] ?? 0;
  const dropped = interval.counters[DROPPED_ITERATIONS] ?? 0;
  return {
    targetPerSec,
    achievedPerSec: started / intervalSec,
    droppedPerSec: dropped / intervalSec,
    started: total.counters[ARRIVALS_STARTED] ?? 0,
    dropped: total.counters[DROPPED_ITERATIONS] ?? 0,
  };
}

/** One row of a sweep's stage table, from a stage's summary (finished or, with `current`, so far). */
export function stageRow(s: StageSummary, current = false): StageRow {
  const row: StageRow = { name: s.name, concurrency: s.concurrency, rps: s.total.rps, failures: s.total.failures };
  if (s.llm) {
    row.outputTokensPerSec = s.llm.outputTokensPerSec;
    row.ttftP50Ms = s.llm.ttftMs.p50;
    row.ttftP99Ms = s.llm.ttftMs.p99;
    row.tpotP50Ms = s.llm.tpotMs.p50;
  }
  if (current) row.current = true;
  return row;
}

/** A sweep's stage table: the finished stages, then the current one (none during a warm-up). */
export function sweepStageRows(done: readonly StageSummary[], current: StageSummary | undefined): StageRow[] {
  const rows = done.map((s) => stageRow(s));
  if (current) rows.push(stageRow(current, true));
  return rows;
}
