import { createHistogram, encodeHistogram, exactRange, recordManyFast, recordMs, recordMsWithExpectedInterval, type Histogram } from './histogram.js';
import { LatencyHistogram } from './compact-histogram.js';
import type { MetricsDelta } from './delta.js';
import { countError } from './error-counts.js';
import { DEFAULT_MAX_NAMES, NameCap, OTHER_CHECKS, OTHER_COUNTERS, OTHER_NAMES, OTHER_TRENDS } from './name-cap.js';
import type { ErrorCount } from './summary-types.js';
import { LlmGroups, LlmScope } from './llm-groups.js';

interface EndpointAcc {
  method: string;
  name: string;
  requests: number;
  failures: number;
  aborted: number;
  bytes: number;
  /** Sparse while it holds few distinct latencies (compact-histogram.ts). */
  latency: LatencyHistogram;
  /** The interval (takeDelta count) it was last recorded in. */
  interval: number;
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
 *
 * Memory stays bounded whatever the names (name-cap.ts): at most `maxNames`
 * request names (more count under '(other names)' of their method), checks,
 * trends and counters; a name's histogram is sparse until it holds many
 * distinct latencies; and a delta carries only the names recorded in its
 * interval, whose full histograms are given back when they sit idle.
 */
export class MetricsRecorder {
  /** The endpoints recorded in the current interval, for takeDelta. */
  private touched: EndpointAcc[] = [];
  /** Those of the interval before, whose idle full histograms takeDelta gives back. */
  private touchedBefore: EndpointAcc[] = [];
  private intervalNo = 0;
  /** Request names with a row of their own (the folded rows do not count). */
  private names = 0;
  /**
   * The same endpoints by method, then name: two lookups instead of building a
   * `method + ' ' + name` key string on every request.
   */
  private byMethod = new Map<string, Map<string, EndpointAcc>>();
  /** The endpoint recorded last and the name it was recorded under (a folded row has another name). */
  private lastAcc: EndpointAcc | undefined;
  private lastName = '';
  private trends = new Map<string, Histogram>();
  private counters: Record<string, number> = {};
  private checks: Record<string, [number, number]> = {};
  private errors = new Map<string, ErrorCount>();
  private tasks: Record<string, number> = {};
  private taskErrors: Record<string, number> = {};
  private readonly checkNames: NameCap;
  private readonly trendNames: NameCap;
  private readonly counterNames: NameCap;
  /** The most full histograms this recorder held at once (summary.json names.workerFullHistogramsPeak). */
  private fullPeak = 0;
  /** LLM figures per request name and user class (llm-groups.ts). */
  readonly llm: LlmGroups;

  constructor(readonly maxNames: number = DEFAULT_MAX_NAMES) {
    this.checkNames = new NameCap(maxNames);
    this.trendNames = new NameCap(maxNames);
    this.counterNames = new NameCap(maxNames);
    this.llm = new LlmGroups(maxNames);
  }

  /** One LLM request's recorder: the totals, plus the figures of its name and, when given, its user class. */
  llmScope(name: string, userClass?: string): LlmScope {
    return new LlmScope(this, this.llm.recording('name', name), userClass === undefined ? undefined : this.llm.recording('class', userClass));
  }

  recordRequest(s: RequestSample): void {
    // A user loop records the same method and name again and again: no lookup then.
    let acc = this.lastAcc;
    if (acc === undefined || this.lastName !== s.name || acc.method !== s.method) {
      let byName = this.byMethod.get(s.method);
      if (byName === undefined) {
        byName = new Map();
        this.byMethod.set(s.method, byName);
      }
      acc = byName.get(s.name) ?? this.newEndpoint(byName, s.method, s.name);
      this.lastAcc = acc;
      this.lastName = s.name;
    }
    if (acc.interval !== this.intervalNo) {
      acc.interval = this.intervalNo;
      this.touched.push(acc);
    }
    acc.bytes += s.bytes;
    if (s.aborted) {
      acc.aborted++;
      return;
    }
    acc.requests++;
    acc.latency.recordMs(s.durationMs);
    if (s.error !== undefined) {
      acc.failures++;
      this.recordError(s.method, acc.name, s.error);
    }
  }

  /** A row for a name not seen before, or its method's folded row once maxNames names have one. */
  private newEndpoint(byName: Map<string, EndpointAcc>, method: string, name: string): EndpointAcc {
    if (this.names >= this.maxNames) {
      // Not remembered under its own name: the map stays at maxNames entries.
      const folded = byName.get(OTHER_NAMES);
      if (folded) return folded;
      name = OTHER_NAMES;
    } else if (name !== OTHER_NAMES) this.names++;
    const acc: EndpointAcc = { method, name, requests: 0, failures: 0, aborted: 0, bytes: 0, latency: new LatencyHistogram(), interval: -1 };
    byName.set(name, acc);
    return acc;
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

  /** The histogram of a trend: its own, or '(other trends)' once maxNames trends have one. */
  private trend(name: string): Histogram {
    let h = this.trends.get(name);
    if (h === undefined) {
      if (!this.trendNames.admit(name)) return this.trend(OTHER_TRENDS);
      h = createHistogram();
      this.trends.set(name, h);
    }
    return h;
  }

  /** Records a value in milliseconds into a named trend (e.g. 'llm.ttft'). */
  recordTrend(name: string, valueMs: number): void {
    recordMs(this.trend(name), valueMs);
  }

  /**
   * Records many values in milliseconds into one trend: one lookup for all of
   * them (an LLM request's inter-token latencies, dozens to thousands a request).
   */
  recordTrendMany(name: string, valuesMs: ArrayLike<number>): void {
    if (valuesMs.length === 0) return;
    const h = this.trend(name);
    if (!recordManyFast(h, valuesMs)) for (let i = 0; i < valuesMs.length; i++) recordMs(h, valuesMs[i]!);
  }

  /** Records into a trend with HdrHistogram's expected-interval correction (load models: 'latency_corrected'). */
  recordTrendWithExpectedInterval(name: string, valueMs: number, expectedIntervalMs: number): void {
    recordMsWithExpectedInterval(this.trend(name), valueMs, expectedIntervalMs);
  }

  add(counter: string, n = 1): void {
    if (!Object.hasOwn(this.counters, counter) && !this.counterNames.admit(counter)) counter = OTHER_COUNTERS;
    this.counters[counter] = (this.counters[counter] ?? 0) + n;
  }

  recordCheck(name: string, passed: boolean): void {
    let c = Object.hasOwn(this.checks, name) ? this.checks[name] : undefined;
    if (c === undefined) {
      if (!this.checkNames.admit(name)) name = OTHER_CHECKS;
      c = this.checks[name] ??= [0, 0];
    }
    if (passed) c[0]++;
    else c[1]++;
  }

  recordTask(name: string): void {
    this.tasks[name] = (this.tasks[name] ?? 0) + 1;
  }

  /** Full (95 KB) histograms this recorder holds now: busy endpoints' and the trends'. */
  fullHistograms(): number {
    let n = this.trends.size + this.llm.fullHistograms();
    for (const acc of this.touched) if (acc.latency.isFull) n++;
    for (const acc of this.touchedBefore) if (acc.latency.isFull && acc.interval !== this.intervalNo) n++;
    return n;
  }

  /** Encodes everything since the last call and starts a new interval. */
  takeDelta(): MetricsDelta {
    const held = this.fullHistograms();
    if (held > this.fullPeak) this.fullPeak = held;
    const delta: MetricsDelta = {
      endpoints: [],
      trends: [],
      counters: this.counters,
      checks: this.checks,
      errors: [...this.errors.values()],
      tasks: this.tasks,
      taskErrors: this.taskErrors,
      fullHistogramsPeak: this.fullPeak,
    };
    const llm = this.llm.takeDeltas();
    if (llm.length > 0) delta.llm = llm;
    for (const acc of this.touched) {
      const lat = acc.latency;
      const buckets = lat.buckets();
      delta.endpoints.push({
        method: acc.method,
        name: acc.name,
        requests: acc.requests,
        failures: acc.failures,
        aborted: acc.aborted,
        bytes: acc.bytes,
        // Sparse histograms travel as their buckets: no 95 KB encode here and decode there.
        ...(lat.totalCount === 0 ? { latency: '' } : buckets ? { latency: '', buckets, ...lat.range() } : { latency: lat.encode(), ...lat.range() }),
      });
      acc.requests = acc.failures = acc.aborted = acc.bytes = 0;
      lat.clear();
    }
    // A full histogram idle for a whole interval goes back to the heap; the name starts sparse again.
    for (const acc of this.touchedBefore) if (acc.interval !== this.intervalNo) acc.latency.release();
    this.touchedBefore = this.touched;
    this.touched = [];
    this.intervalNo++;
    for (const [name, h] of this.trends) {
      // An idle trend's histogram is dropped too; its name stays admitted.
      if (h.totalCount === 0) {
        this.trends.delete(name);
        continue;
      }
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
