import type { SweepProgress } from '../metrics/live-snapshot.js';

export interface SweepPosition {
  /** 1-based stage number, and how many the sweep plans. */
  index: number;
  count: number;
  warmup: boolean;
  stageElapsedMs: number;
  stageRequests: number;
  maxRequests?: number;
  maxTimeMs?: number;
  warmupMs: number;
  /** Measured durations of the stages already done. */
  doneMs: number[];
}

/**
 * Where a sweep is and about how long it has left: the current stage's end
 * from its bound (time, or requests at the stage's rate so far), and each
 * stage to come as long as the finished ones took on average (or the time
 * bound, or the current stage's projection, while none has finished).
 */
export function sweepProgress(p: SweepPosition): SweepProgress {
  const out: SweepProgress = { stage: p.index, stages: p.count };
  const perStage = (projected?: number): number | undefined => {
    if (p.doneMs.length) {
      const mean = p.doneMs.reduce((a, b) => a + b, 0) / p.doneMs.length;
      return p.maxTimeMs !== undefined ? Math.min(mean, p.maxTimeMs) : mean;
    }
    return p.maxTimeMs ?? projected;
  };
  let currentLeft: number | undefined;
  let projected: number | undefined;
  if (p.warmup) {
    currentLeft = Math.max(0, p.warmupMs - p.stageElapsedMs);
    const stage = perStage();
    if (stage === undefined) return out;
    currentLeft += stage;
  } else {
    const bounds: number[] = [];
    if (p.maxTimeMs !== undefined) bounds.push(Math.max(0, p.maxTimeMs - p.stageElapsedMs));
    if (p.maxRequests !== undefined && p.stageRequests > 0) {
      bounds.push(Math.max(0, p.maxRequests - p.stageRequests) * (p.stageElapsedMs / p.stageRequests));
    }
    if (!bounds.length) return out;
    currentLeft = Math.min(...bounds);
    projected = p.stageElapsedMs + currentLeft;
  }
  const later = p.count - p.index;
  const each = perStage(projected);
  if (later > 0 && each === undefined) return out;
  out.remainingMs = Math.round(currentLeft + later * ((each ?? 0) + p.warmupMs));
  return out;
}
