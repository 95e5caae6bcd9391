import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { loadTrace, traceArrivalTimes } from '../workload/trace.js';
import type { ParsedOptions } from './schema.js';

type Layer = Record<string, unknown>;

/** Options that choose another load model: a trace brings its own arrivals. */
const CLASHES = ['users', 'rate', 'stages', 'shape', 'scenarios', 'concurrency', 'iterations'] as const;

/** The most arrivals of `times` (ascending, ms) within any one second. */
export function peakPerSecond(times: Float64Array): number {
  let peak = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= 1000) lo++;
    peak = Math.max(peak, hi - lo + 1);
  }
  return peak;
}

/**
 * With --trace, the default scenario is an open model sized for the trace's
 * busiest second (maxUsers 10 x, preAllocatedUsers 1/10 of it, unless given),
 * which the engine runs as 'trace-replay' (src/engine/executors/trace-replay.ts).
 * Returns the layers with that rate in place, and the trace's path made
 * absolute for the workers. Throws a ConfigError naming every clash.
 */
export function withTraceModel(layers: { cli: Layer; scenario: Layer; file: Layer }, merged: ParsedOptions): { cli: Layer; scenario: Layer; file: Layer } {
  if (merged.trace === undefined) return layers;
  const given = CLASHES.filter((k) => merged[k] !== undefined);
  if (given.length) {
    throw new ConfigError('trace options', given.map((k) => `${k}: --trace replays the trace's own arrivals on the open model; not with ${k} (remove it, or drop --trace)`));
  }
  merged.trace = resolve(merged.trace);
  const times = traceArrivalTimes(loadTrace(merged.trace), merged.traceSpeed ?? 1);
  return { ...layers, cli: { ...layers.cli, rate: Math.max(1, peakPerSecond(times)) } };
}
