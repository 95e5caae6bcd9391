import { createHistogram, decodeHistogram, latencyStats, type Histogram, type LatencyStats } from './histogram.js';
import type { MetricsDelta } from './delta.js';
import { countError } from './error-counts.js';
import type { ErrorCount } from './summary-types.js';

export interface EndpointTotals {
  method: string;
  name: string;
  requests: number;
  failures: number;
  aborted: number;
  bytes: number;
  latency: Histogram;
}

/**
 * Main-side merge of worker deltas. Histograms are merged with `add`, which is
 * exact: the merged percentiles equal those of one histogram fed every sample,
 * and the exact min and max sent beside each encoding are kept in the merged
 * histogram's extremes.
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

  addDelta(d: MetricsDelta): void {
    for (const e of d.endpoints) {
      const acc = this.endpoint(e.method, e.name);
      acc.requests += e.requests;
      acc.failures += e.failures;
      acc.aborted += e.aborted;
      acc.bytes += e.bytes;
      if (e.latency) acc.latency.add(decodeHistogram(e.latency, e));
    }
    for (const t of d.trends) this.trend(t.name).add(decodeHistogram(t.histogram, t));
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
    this.addPlain({ counters: o.counters, checks: o.checks, errors: [...o.errors.values()], tasks: o.tasks, taskErrors: o.taskErrors });
  }

  private addPlain(d: Pick<MetricsDelta, 'counters' | 'checks' | 'errors' | 'tasks' | 'taskErrors'>): void {
    for (const [k, v] of Object.entries(d.counters)) this.counters[k] = (this.counters[k] ?? 0) + v;
    for (const [k, [p, f]] of Object.entries(d.checks)) {
      const c = this.checks[k] ?? (this.checks[k] = [0, 0]);
      c[0] += p;
      c[1] += f;
    }
    for (const e of d.errors) countError(this.errors, e.method, e.name, e.message, e.count, e);
    for (const [k, v] of Object.entries(d.tasks)) this.tasks[k] = (this.tasks[k] ?? 0) + v;
    for (const [k, v] of Object.entries(d.taskErrors ?? {})) this.taskErrors[k] = (this.taskErrors[k] ?? 0) + v;
  }

  endpoint(method: string, name: string): EndpointTotals {
    const key = method + ' ' + name;
    let acc = this.endpoints.get(key);
    if (!acc) {
      acc = { method, name, requests: 0, failures: 0, aborted: 0, bytes: 0, latency: createHistogram() };
      this.endpoints.set(key, acc);
    }
    return acc;
  }

  trend(name: string): Histogram {
    let h = this.trends.get(name);
    if (!h) {
      h = createHistogram();
      this.trends.set(name, h);
    }
    return h;
  }

  /** Requests completed at all endpoints (what total().requests says, without merging the histograms). */
  requestCount(): number {
    let n = 0;
    for (const e of this.endpoints.values()) n += e.requests;
    return n;
  }

  /** All endpoints together ("Aggregated" in Locust's table). */
  total(): EndpointTotals {
    const t: EndpointTotals = { method: '', name: 'Aggregated', requests: 0, failures: 0, aborted: 0, bytes: 0, latency: createHistogram() };
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
