import { decodeHistogram, latencyStats, type LatencyStats } from './histogram.js';
import { LatencyHistogram } from './compact-histogram.js';
import { DEFAULT_MAX_NAMES, NameCap, OTHER_NAMES } from './name-cap.js';
import type { RequestSample } from './recorder.js';

/** How a group of LLM figures is keyed: the request's `name` (default: the API path) or the user class. */
export type LlmGroupBy = 'name' | 'class';

/** One series of a group as it travels: an encoded histogram of µs, or sparse buckets (compact-histogram.ts), with exact extremes. */
export interface LlmSeriesDelta {
  name: string;
  /** Compressed base64 HDR histogram; '' when sent as `buckets`. */
  histogram: string;
  buckets?: number[];
  minUs?: number;
  maxUs?: number;
}

/**
 * One group's LLM figures as a worker sends them, and as summary.json keeps
 * them (`histograms.llm`) so that bench merge rebuilds them exactly.
 */
export interface LlmGroupDelta {
  by: LlmGroupBy;
  key: string;
  /** The group's llm.* counters (llm.requests, llm.input_tokens, llm.errors.<kind>, …), named as the totals. */
  counters: Record<string, number>;
  /** The group's llm.* series (llm.ttft, llm.itl, …), named as the totals. */
  trends: LlmSeriesDelta[];
}

/**
 * The LLM figures of one request name or one user class: the same llm.*
 * counters and series the run totals hold (so llm-summary.ts reads both
 * alike), with histograms that stay sparse while they hold few values.
 */
export class LlmGroup {
  counters: Record<string, number> = {};
  readonly trends = new Map<string, LatencyHistogram>();
  /** Recorder side: the interval it was last recorded in. */
  interval = -1;

  constructor(
    readonly by: LlmGroupBy,
    readonly key: string,
  ) {}

  add(counter: string, n: number): void {
    this.counters[counter] = (this.counters[counter] ?? 0) + n;
  }

  recordTrend(name: string, valueMs: number): void {
    this.series(name).recordMs(valueMs);
  }

  recordTrendMany(name: string, valuesMs: ArrayLike<number>): void {
    if (valuesMs.length > 0) this.series(name).recordManyMs(valuesMs);
  }

  trendStats(name: string): LatencyStats {
    const h = this.trends.get(name);
    return h ? h.stats() : latencyStats(undefined);
  }

  /** Adds another group's figures (one interval into the totals, one run into a merge). */
  addGroup(o: LlmGroup): void {
    for (const [k, v] of Object.entries(o.counters)) this.add(k, v);
    for (const [name, h] of o.trends) this.series(name).add(h);
  }

  addDelta(d: LlmGroupDelta): void {
    for (const [k, v] of Object.entries(d.counters)) this.add(k, v);
    for (const t of d.trends) {
      if (t.buckets) this.series(t.name).addBuckets(t.buckets, { minUs: t.minUs ?? 1, maxUs: t.maxUs ?? 1 });
      else if (t.histogram) this.series(t.name).addHistogram(decodeHistogram(t.histogram, t));
    }
  }

  /** The encoded form; sparse histograms travel as their buckets unless `encodeAll` (summary.json). */
  toDelta(encodeAll = false): LlmGroupDelta {
    const trends: LlmSeriesDelta[] = [];
    for (const [name, h] of this.trends) {
      if (h.totalCount === 0) continue;
      const buckets = encodeAll ? undefined : h.buckets();
      trends.push(buckets ? { name, histogram: '', buckets, ...h.range() } : { name, histogram: h.encode(), ...h.range() });
    }
    return { by: this.by, key: this.key, counters: { ...this.counters }, trends };
  }

  /** Empties it for the next interval; full histograms stay allocated while the group is busy. */
  clear(): void {
    this.counters = {};
    for (const h of this.trends.values()) h.clear();
  }

  /** Lets idle full histograms go (a few bytes each again). */
  release(): void {
    for (const h of this.trends.values()) h.release();
  }

  fullHistograms(): number {
    let n = 0;
    for (const h of this.trends.values()) if (h.isFull) n++;
    return n;
  }

  private series(name: string): LatencyHistogram {
    let h = this.trends.get(name);
    if (h === undefined) {
      h = new LatencyHistogram();
      this.trends.set(name, h);
    }
    return h;
  }
}

/**
 * The LLM figures per request name and per user class (docs/llm-metrics.md),
 * beside the run totals. Worker recorders and the main thread's aggregate each
 * hold one. Names and classes are bounded as request names are (name-cap.ts):
 * past `maxNames`, new ones count under '(other names)', so the totals of the
 * groups stay exact and memory bounded; histograms merge bucket by bucket.
 */
export class LlmGroups {
  readonly byName = new Map<string, LlmGroup>();
  readonly byClass = new Map<string, LlmGroup>();
  private readonly names: NameCap;
  private readonly classes: NameCap;
  /** Recorder side: the groups recorded in the current interval, and those of the one before. */
  private touched: LlmGroup[] = [];
  private touchedBefore: LlmGroup[] = [];
  private intervalNo = 0;

  constructor(readonly maxNames: number = DEFAULT_MAX_NAMES) {
    this.names = new NameCap(maxNames);
    this.classes = new NameCap(maxNames);
  }

  get size(): number {
    return this.byName.size + this.byClass.size;
  }

  /** The group of a name or class: its own, or '(other names)' once maxNames have one. */
  group(by: LlmGroupBy, key: string): LlmGroup {
    const map = by === 'name' ? this.byName : this.byClass;
    let g = map.get(key);
    if (g !== undefined) return g;
    // Prefixed: a request named like an engine trend (`llm.x`) takes a place under the cap like any other.
    if (key !== OTHER_NAMES && !(by === 'name' ? this.names : this.classes).admit(`${by}:${key}`)) return this.group(by, OTHER_NAMES);
    g = new LlmGroup(by, key);
    map.set(key, g);
    return g;
  }

  /** Recorder side: the group, marked as recorded in this interval (takeDeltas sends it). */
  recording(by: LlmGroupBy, key: string): LlmGroup {
    const g = this.group(by, key);
    if (g.interval !== this.intervalNo) {
      g.interval = this.intervalNo;
      this.touched.push(g);
    }
    return g;
  }

  /** Recorder side: the groups recorded since the last call, emptied; full histograms idle for a whole interval are given back. */
  takeDeltas(): LlmGroupDelta[] {
    const out: LlmGroupDelta[] = [];
    for (const g of this.touched) {
      out.push(g.toDelta());
      g.clear();
    }
    for (const g of this.touchedBefore) if (g.interval !== this.intervalNo) g.release();
    this.touchedBefore = this.touched;
    this.touched = [];
    this.intervalNo++;
    return out;
  }

  /** Every group, encoded whole (summary.json's histograms.llm, a live view's delta). */
  toDeltas(): LlmGroupDelta[] {
    return [...this.byName.values(), ...this.byClass.values()].map((g) => g.toDelta(true));
  }

  addDeltas(list: readonly LlmGroupDelta[]): void {
    for (const d of list) this.group(d.by === 'class' ? 'class' : 'name', d.key).addDelta(d);
  }

  addGroups(o: LlmGroups): void {
    for (const g of o.byName.values()) this.group('name', g.key).addGroup(g);
    for (const g of o.byClass.values()) this.group('class', g.key).addGroup(g);
  }

  fullHistograms(): number {
    let n = 0;
    for (const g of this.byName.values()) n += g.fullHistograms();
    for (const g of this.byClass.values()) n += g.fullHistograms();
    return n;
  }
}

/** What the LLM client records a request's figures through (finish.ts): a MetricsRecorder, or an LlmScope of one. */
export interface LlmRecorder {
  recordRequest(s: RequestSample): void;
  add(counter: string, n?: number): void;
  recordTrend(name: string, valueMs: number): void;
  recordTrendMany(name: string, valuesMs: ArrayLike<number>): void;
  /** Into the request name's figures only: not the totals, not the class (an embedding's or rerank's E2E). */
  recordNameTrend?(name: string, valueMs: number): void;
}

/**
 * One LLM request's view of the worker's recorder: everything goes to the
 * recorder as before (the run totals), and every llm.* counter and series
 * also to the request name's group and the user class's group. So a figure
 * the client records is kept per name and per class without being named twice.
 */
export class LlmScope implements LlmRecorder {
  constructor(
    private readonly recorder: LlmRecorder,
    private readonly byName: LlmGroup,
    private readonly byClass: LlmGroup | undefined,
  ) {}

  recordRequest(s: RequestSample): void {
    this.recorder.recordRequest(s);
  }

  add(counter: string, n = 1): void {
    this.recorder.add(counter, n);
    if (!counter.startsWith('llm.')) return;
    this.byName.add(counter, n);
    this.byClass?.add(counter, n);
  }

  recordTrend(name: string, valueMs: number): void {
    this.recorder.recordTrend(name, valueMs);
    if (!name.startsWith('llm.')) return;
    this.byName.recordTrend(name, valueMs);
    this.byClass?.recordTrend(name, valueMs);
  }

  recordTrendMany(name: string, valuesMs: ArrayLike<number>): void {
    this.recorder.recordTrendMany(name, valuesMs);
    if (!name.startsWith('llm.')) return;
    this.byName.recordTrendMany(name, valuesMs);
    this.byClass?.recordTrendMany(name, valuesMs);
  }

  recordNameTrend(name: string, valueMs: number): void {
    this.byName.recordTrend(name, valueMs);
  }
}
