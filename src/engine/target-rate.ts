import type { Segment } from '../config/segment.js';
import type { ScenarioRunner } from './scenario-runner.js';
import { segmentFraction } from './segment.js';
import { isOpenModel } from './executors/index.js';
import { rampRateProfile, type RateSegment } from './schedule/arrivals.js';

/** The rate of a profile `atMs` into it (0 past its end). */
export function rateAt(profile: readonly RateSegment[], atMs: number): number {
  let t = atMs;
  for (const seg of profile) {
    if (t < seg.durationMs) return seg.fromPerSec + (seg.durationMs === Infinity ? 0 : ((seg.toPerSec - seg.fromPerSec) * t) / seg.durationMs);
    t -= seg.durationMs;
  }
  return 0;
}

/**
 * The arrival rate the open models ask for now: the one set live, else their
 * profile's at this point (--rate, or the ramping stages). Undefined when no
 * scenario is an open model. An instance of a distributed run (--segment) asks for its share.
 */
export function targetRatePerSec(runners: readonly ScenarioRunner[], segment?: Segment): { targetRatePerSec?: number } | undefined {
  const open = runners.filter((r) => isOpenModel(r.scenario));
  if (!open.length) return undefined;
  let sum = 0;
  for (const r of open) {
    const s = r.scenario;
    const live = r.liveRatePerSec;
    if (live !== undefined) sum += live;
    else if (s.ratePerSec !== undefined) sum += r.scenarioElapsedMs() < (s.durationMs ?? Infinity) ? s.ratePerSec : 0;
    else if (s.stages?.length) sum += rateAt(rampRateProfile(s.stages), r.scenarioElapsedMs());
  }
  return { targetRatePerSec: sum * segmentFraction(segment) };
}
