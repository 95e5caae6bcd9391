import type { TraceRecord } from '../api/trace.js';
import type { WorkerOptions } from '../pool/protocol.js';
import { loadTrace } from '../workload/trace.js';

/**
 * The trace record of an arrival (--trace): the main thread deals record
 * numbers with the arrival times; each worker reads the trace file once
 * (loadTrace memoizes it) and looks the record up here.
 */
export function traceRecordFor(options: WorkerOptions, index: number | undefined): TraceRecord | undefined {
  if (index === undefined) return undefined;
  const path = options.extra.trace;
  return typeof path === 'string' ? loadTrace(path).records[index] : undefined;
}
