import { createHistogram, decodeHistogram, latencyStats, type Histogram, type LatencyStats } from './histogram.js';
import { LatencyHistogram } from './compact-histogram.js';
import type { MetricsDelta } from './delta.js';
import { countError } from './error-counts.js';
import { DEFAULT_MAX_NAMES, NameCap, OTHER_CHECKS, OTHER_COUNTERS, OTHER_NAMES, OTHER_TRENDS } from './name-cap.js';
import type { ErrorCount } from './summary-types.js';
import { LlmGroups } from './llm-groups.js';

export interface EndpointTotals {
  method: string;
  name: string;
  requests: number;
  failures: number;
  aborted: number;
  bytes: number;
  /** Sparse while it holds few distinct latencies (compact-histogram.ts). */
  latency: LatencyHistogram;
}

/**
 * Main-side merge of worker deltas. Histograms are merged bucket by bucket,
 * which is exact: the merged percentiles equal those of one histogram fed
 * every sample, and the exact min and max sent beside each encoding are kept
 * in the merged histogram's extremes.
 *
 * Every per-name table holds at most `maxNames` names (name-cap.ts): more
 * count in the folded rows ('(other names)' per method, '(other checks)', …),
 * so totals stay exact and memory bounded whatever the workers send.
 */
export class MetricsAggregate {
  readonly endpoints = new Map<string, EndpointTotals>();
  readonly trends = new Map<string, Histogram>();
  readonly counters: Record<string, number> = {};
  readonly checks: Record<string, [number, number]> = {};
  readonly errors = new Map<string, ErrorCount>();
  readonly tasks: Record<string, number> = {};
  /** Exceptions thrown by tasks and hooks, by task name: not requests. */
  readonly taskErrors: Record<string, number> = {};
  /** The most full histograms a worker's recorder held at once (from the deltas). */
  workerFullHistogramsPeak = 0;
  /** LLM figures per request name and user class (llm-groups.ts), beside the llm.* totals in counters and trends. */
  readonly llm: LlmGroups;
  private readonly endpointNames: NameCap;
  private readonly trendNames: NameCap;
  private readonly checkNames: NameCap;
  private readonly counterNames: NameCap;

  constructor(readonly maxNames: number = DEFAULT_MAX_NAMES) {
    this.endpointNames = new NameCap(maxNames);
    this.trendNames = new NameCap(maxNames);
    this.checkNames = new NameCap(maxNames);
    this.counterNames = new NameCap(maxNames);
    this.llm = new LlmGroups(maxNames);
  }

  addDelta(d: MetricsDelta): void {
    for (const e of d.endpoints) {
      const acc = this.endpoint(e.method, e.name);
      acc.requests += e.requests;
      acc.failures += e.failures;
      acc.aborted += e.aborted;
      acc.bytes += e.bytes;
      if (e.buckets) acc.latency.addBuckets(e.buckets, { minUs: e.minUs ?? 1, maxUs: e.maxUs ?? 1 });
      else if (e.latency) acc.latency.addHistogram(decodeHistogram(e.latency, e));
    }
    for (const t of d.trends) this.trend(t.name).add(decodeHistogram(t.histogram, t));
    if (d.llm) this.llm.addDeltas(d.llm);
    if (d.fullHistogramsPeak !== undefined && d.fullHistogramsPeak > this.workerFullHistogramsPeak) this.workerFullHistogramsPeak = d.fullHistogramsPeak;
    this.addPlain(d);
  }

  /** Merges another aggregate into this one (e.g. one interval into the run totals). */
  addAggregate(o: MetricsAggregate): void {
    for (const e of o.endpoints.values()) {
      const acc = this.endpoint(e.method, e.name);
      acc.requests += e.requests;
      acc.failures += e.failures;
      acc.aborted += e.aborted;
      acc.bytes += e.bytes;
      acc.latency.add(e.latency);
    }
    for (const [name, h] of o.trends) this.trend(name).add(h);
    this.llm.addGroups(o.llm);
    if (o.workerFullHistogramsPeak > this.workerFullHistogramsPeak) this.workerFullHistogramsPeak = o.workerFullHistogramsPeak;
    this.addPlain({ counters: o.counters, checks: o.checks, errors: [...o.errors.values()], tasks: o.tasks, taskErrors: o.taskErrors });
  }

  private addPlain(d: Pick<MetricsDelta, 'counters' | 'checks' | 'errors' | 'tasks' | 'taskErrors'>): void {
    for (let [k, v] of Object.entries(d.counters)) {
      if (!Object.hasOwn(this.counters, k) && !this.counterNames.admit(k)) k = OTHER_COUNTERS;
      this.counters[k] = (this.counters[k] ?? 0) + v;
    }
    for (let [k, [p, f]] of Object.entries(d.checks)) {
      if (!Object.hasOwn(this.checks, k) && !this.checkNames.admit(k)) k = OTHER_CHECKS;
      const c = this.checks[k] ?? (this.checks[k] = [0, 0]);
      c[0] += p;
      c[1] += f;
    }
    // Errors of a folded request count under its folded row too (countError bounds the messages).
    for (const e of d.errors) countError(this.errors, e.method, this.rowName(e.method, e.name), e.message, e.count, e);
    for (const [k, v] of Object.entries(d.tasks)) this.tasks[k] = (this.tasks[k] ?? 0) + v;
    for (const [k, v] of Object.entries(d.taskErrors ?? {})) this.taskErrors[k] = (this.taskErrors[k] ?? 0) + v;
  }

  /** The row of a request name: its own, or its method's '(other names)' once maxNames names have one. */
  endpoint(method: string, name: string): EndpointTotals {
    let key = method + ' ' + name;
    let acc = this.endpoints.get(key);
    if (!acc) {
      // A worker's own folded row is no name of the user's: it takes no place under the cap.
      if (name !== OTHER_NAMES && !this.endpointNames.admit(key)) {
        name = OTHER_NAMES;
        key = method + ' ' + name;
        acc = this.endpoints.get(key);
        if (acc) return acc;
      }
      acc = { method, name, requests: 0, failures: 0, aborted: 0, bytes: 0, latency: new LatencyHistogram() };
      this.endpoints.set(key, acc);
    }
    return acc;
  }

  /** The name of the row that counts (method, name) now, without making one. */
  private rowName(method: string, name: string): string {
    return name === OTHER_NAMES || this.endpoints.has(method + ' ' + name) || this.endpointNames.size < this.maxNames ? name : OTHER_NAMES;
  }

  /** The histogram of a trend: its own, or '(other trends)' once maxNames trends have one. */
  trend(name: string): Histogram {
    let h = this.trends.get(name);
    if (!h) {
      if (!this.trendNames.admit(name)) return this.trend(OTHER_TRENDS);
      h = createHistogram();
      this.trends.set(name, h);
    }
    return h;
  }

  /** Request names with a row of their own (the folded rows not counted). */
  get distinctNames(): number {
    return this.endpointNames.size;
  }

  /** Full (95 KB) histograms this aggregate holds: busy endpoints' and the trends'. */
  fullHistograms(): number {
    let n = this.trends.size + this.llm.fullHistograms();
    for (const e of this.endpoints.values()) if (e.latency.isFull) n++;
    return n;
  }

  /** Requests completed at all endpoints (what total().requests says, without merging the histograms). */
  requestCount(): number {
    let n = 0;
    for (const e of this.endpoints.values()) n += e.requests;
    return n;
  }

  /** All endpoints together ("Aggregated" in Locust's table). */
  total(): EndpointTotals {
    const t: EndpointTotals = { method: '', name: 'Aggregated', requests: 0, failures: 0, aborted: 0, bytes: 0, latency: new LatencyHistogram() };
    for (const e of this.endpoints.values()) {
      t.requests += e.requests;
      t.failures += e.failures;
      t.aborted += e.aborted;
      t.bytes += e.bytes;
      t.latency.add(e.latency);
    }
    return t;
  }

  trendStats(name: string): LatencyStats {
    return latencyStats(this.trends.get(name));
  }
}
