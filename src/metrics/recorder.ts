import { createHistogram, encodeHistogram, exactRange, HIGHEST_TRACKABLE_US, recordMs, recordMsWithExpectedInterval, type Histogram } from './histogram.js';
import type { MetricsDelta } from './delta.js';
import { countError } from './error-counts.js';
import type { ErrorCount } from './summary-types.js';

interface EndpointAcc {
  method: string;
  name: string;
  requests: number;
  failures: number;
  aborted: number;
  bytes: number;
  latency: Histogram;
}

/** A request outcome as the clients report it. */
export interface RequestSample {
  method: string;
  name: string;
  durationMs: number;
  bytes: number;
  /** Failure reason; absent on success. */
  error?: string;
  /** Cut off by the end of the run: counted apart, not a failure. */
  aborted?: boolean;
}

/**
 * Worker-side recorder: counts and histograms since the last `takeDelta()`.
 * The hot path is two Map lookups and one histogram record per request.
 */
export class MetricsRecorder {
  /** Every endpoint of the run, in first-seen order, for takeDelta. */
  private endpoints: EndpointAcc[] = [];
  /**
   * The same endpoints by method, then name: two lookups instead of building a
   * `method + ' ' + name` key string on every request.
   */
  private byMethod = new Map<string, Map<string, EndpointAcc>>();
  private trends = new Map<string, Histogram>();
  private counters: Record<string, number> = {};
  private checks: Record<string, [number, number]> = {};
  private errors = new Map<string, ErrorCount>();
  private tasks: Record<string, number> = {};
  private taskErrors: Record<string, number> = {};

  recordRequest(s: RequestSample): void {
    let byName = this.byMethod.get(s.method);
    if (byName === undefined) {
      byName = new Map();
      this.byMethod.set(s.method, byName);
    }
    let acc = byName.get(s.name);
    if (acc === undefined) {
      acc = { method: s.method, name: s.name, requests: 0, failures: 0, aborted: 0, bytes: 0, latency: createHistogram() };
      byName.set(s.name, acc);
      this.endpoints.push(acc);
    }
    acc.bytes += s.bytes;
    if (s.aborted) {
      acc.aborted++;
      return;
    }
    acc.requests++;
    recordMs(acc.latency, s.durationMs);
    if (s.error !== undefined) {
      acc.failures++;
      this.recordError(s.method, s.name, s.error);
    }
  }

  recordError(method: string, name: string, message: string): void {
    countError(this.errors, method, name, message, 1);
  }

  /**
   * A task (or hook) threw: counted apart from the requests, and listed with
   * the errors (method `TASK`) with where the scenario threw it.
   */
  recordTaskError(name: string, message: string, where?: Pick<ErrorCount, 'location' | 'frames'>): void {
    this.taskErrors[name] = (this.taskErrors[name] ?? 0) + 1;
    countError(this.errors, 'TASK', name, message, 1, where);
  }

  /** Records a value in milliseconds into a named trend (e.g. 'llm.ttft'). */
  recordTrend(name: string, valueMs: number): void {
    let h = this.trends.get(name);
    if (h === undefined) {
      h = createHistogram();
      this.trends.set(name, h);
    }
    recordMs(h, valueMs);
  }

  /**
   * Records many values in milliseconds into one trend: one lookup for all of
   * them (an LLM request's inter-token latencies, dozens to thousands a request).
   */
  recordTrendMany(name: string, valuesMs: ArrayLike<number>): void {
    if (valuesMs.length === 0) return;
    let h = this.trends.get(name);
    if (h === undefined) {
      h = createHistogram();
      this.trends.set(name, h);
    }
    if (!recordManyFast(h, valuesMs)) for (let i = 0; i < valuesMs.length; i++) recordMs(h, valuesMs[i]!);
  }

  /** Records into a trend with HdrHistogram's expected-interval correction (load models: 'latency_corrected'). */
  recordTrendWithExpectedInterval(name: string, valueMs: number, expectedIntervalMs: number): void {
    let h = this.trends.get(name);
    if (h === undefined) {
      h = createHistogram();
      this.trends.set(name, h);
    }
    recordMsWithExpectedInterval(h, valueMs, expectedIntervalMs);
  }

  add(counter: string, n = 1): void {
    this.counters[counter] = (this.counters[counter] ?? 0) + n;
  }

  recordCheck(name: string, passed: boolean): void {
    const c = this.checks[name] ?? (this.checks[name] = [0, 0]);
    if (passed) c[0]++;
    else c[1]++;
  }

  recordTask(name: string): void {
    this.tasks[name] = (this.tasks[name] ?? 0) + 1;
  }

  /** Encodes everything since the last call and starts a new interval. */
  takeDelta(): MetricsDelta {
    const delta: MetricsDelta = {
      endpoints: [],
      trends: [],
      counters: this.counters,
      checks: this.checks,
      errors: [...this.errors.values()],
      tasks: this.tasks,
      taskErrors: this.taskErrors,
    };
    for (const acc of this.endpoints) {
      if (acc.requests === 0 && acc.aborted === 0 && acc.bytes === 0) continue;
      delta.endpoints.push({
        method: acc.method,
        name: acc.name,
        requests: acc.requests,
        failures: acc.failures,
        aborted: acc.aborted,
        bytes: acc.bytes,
        ...(acc.latency.totalCount > 0 ? { latency: encodeHistogram(acc.latency), ...exactRange(acc.latency) } : { latency: '' }),
      });
      acc.requests = acc.failures = acc.aborted = acc.bytes = 0;
      acc.latency.reset();
    }
    for (const [name, h] of this.trends) {
      if (h.totalCount === 0) continue;
      delta.trends.push({ name, histogram: encodeHistogram(h), ...exactRange(h) });
      h.reset();
    }
    this.counters = {};
    this.checks = {};
    this.errors = new Map();
    this.tasks = {};
    this.taskErrors = {};
    return delta;
  }
}

/** The parts of hdr-histogram-js's JS histogram that recordManyFast uses (not in its typings). */
interface HistogramInternals {
  unitMagnitude: number;
  subBucketHalfCountMagnitude: number;
  subBucketHalfCount: number;
  countsArrayLength: number;
  incrementCountAtIndex(index: number): void;
  addToTotalCount(n: number): void;
  updateMinAndMax(value: number): void;
}

/**
 * Hot path: an LLM request brings dozens to thousands of inter-token
 * latencies at once. hdr-histogram-js spends ~100 ns a value (log2, pow and
 * several calls); for 32-bit values the counts index is integer arithmetic,
 * HdrHistogram's own formula: bucket = 21 - clz32(v | subBucketMask). Counts,
 * total and min/max then go through the library's methods, so the histogram is
 * exactly what recordValue would make (tests/unit/metrics compare encodings).
 * Returns false, having recorded nothing, for a histogram of another shape.
 */
function recordManyFast(histogram: Histogram, valuesMs: ArrayLike<number>): boolean {
  const h = histogram as unknown as HistogramInternals;
  const halfMag = h.subBucketHalfCountMagnitude;
  if (h.unitMagnitude !== 0 || typeof h.incrementCountAtIndex !== 'function' || typeof h.addToTotalCount !== 'function' || typeof h.updateMinAndMax !== 'function') return false;
  // Values are clamped to HIGHEST_TRACKABLE_US (< 2^32): clz32 and >>> see them whole.
  const base = 31 - halfMag;
  const mask = (1 << (halfMag + 1)) - 1;
  const half = h.subBucketHalfCount;
  const indexOf = (us: number) => {
    const bucket = base - Math.clz32(us | mask);
    return ((bucket + 1) << halfMag) + (us >>> bucket) - half;
  };
  // The index grows with the value: the largest value fitting means all do.
  if (indexOf(HIGHEST_TRACKABLE_US) >= h.countsArrayLength) return false;
  let min = Infinity;
  let max = 0;
  for (let i = 0; i < valuesMs.length; i++) {
    // The clamp of recordMs (a NaN, which no timing yields, counts as the smallest value).
    let us = Math.round(valuesMs[i]! * 1000);
    if (!(us >= 1)) us = 1;
    else if (us > HIGHEST_TRACKABLE_US) us = HIGHEST_TRACKABLE_US;
    const bucket = base - Math.clz32(us | mask);
    h.incrementCountAtIndex(((bucket + 1) << halfMag) + (us >>> bucket) - half);
    if (us < min) min = us;
    if (us > max) max = us;
  }
  h.addToTotalCount(valuesMs.length);
  h.updateMinAndMax(min);
  h.updateMinAndMax(max);
  return true;
}
