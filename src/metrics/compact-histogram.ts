import { createHistogram, encodeHistogram, HIGHEST_TRACKABLE_US, latencyStats, recordManyFast, recordMs, type ExactRange, type Histogram, type LatencyStats } from './histogram.js';

/**
 * Distinct buckets a histogram keeps in its sparse form before it becomes a
 * full HDR histogram: ~40 bytes a bucket in a Map against 95 KB for a full
 * one, so up to 512 buckets (~20 KB) the sparse form is the smaller.
 */
export const SPARSE_BUCKETS = 512;

/** What LatencyHistogram touches of hdr-histogram-js's JS histogram, beyond its typings. */
interface DenseInternals {
  countsArrayIndex(value: number): number;
  getCountAtIndex(index: number): number;
  addToCountAtIndex(index: number, count: number): void;
  setCountAtIndex(index: number, count: number): void;
  setTotalCount(n: number): void;
  updateMinAndMax(value: number): void;
  maxValue: number;
  minNonZeroValue: number;
  unitMagnitude: number;
  subBucketHalfCountMagnitude: number;
}

/** Histograms of one shape (histogram.ts), so one index geometry serves them all. */
let geometry: Histogram & DenseInternals;
/** One reused full histogram per thread, to encode or read a sparse one without a 95 KB allocation each time. */
let scratch: (Histogram & DenseInternals) | undefined;
const dense = (): Histogram & DenseInternals => createHistogram() as Histogram & DenseInternals;
/**
 * The counts index of a value in µs, 1 ≤ us ≤ HIGHEST_TRACKABLE_US. Hot path (every
 * sparse record): HdrHistogram's own formula in integer arithmetic, as
 * recordManyFast (histogram.ts) has it, ~20x faster than the library's
 * countsArrayIndex, which takes logarithms; the library's for another shape.
 */
let indexOfFast: ((us: number) => number) | undefined;
const indexOf = (us: number): number => (indexOfFast ??= makeIndexOf())(us);
function makeIndexOf(): (us: number) => number {
  const g = (geometry ??= dense()) as Histogram & DenseInternals & { subBucketHalfCount: number };
  if (g.unitMagnitude !== 0) return (us) => g.countsArrayIndex(us);
  const halfMag = g.subBucketHalfCountMagnitude;
  const base = 31 - halfMag;
  const mask = (1 << (halfMag + 1)) - 1;
  const half = g.subBucketHalfCount;
  return (us) => {
    const bucket = base - Math.clz32(us | mask);
    return ((bucket + 1) << halfMag) + (us >>> bucket) - half;
  };
}
/** Whether a histogram's bucket indices are those of histogram.ts's shape. */
const sameShape = (h: DenseInternals): boolean => {
  const g = (geometry ??= dense());
  return h.unitMagnitude === g.unitMagnitude && h.subBucketHalfCountMagnitude === g.subBucketHalfCountMagnitude;
};

/**
 * A latency histogram (µs, the shape of histogram.ts) that starts sparse, a
 * map of bucket index to count, and turns into a full HDR histogram once it
 * holds SPARSE_BUCKETS distinct buckets. A request name seen a few times (an
 * id in a URL) costs a few hundred bytes instead of 95 KB; a busy one gets
 * the full histogram, with the same buckets, so its figures are the same.
 */
export class LatencyHistogram {
  private sparse: Map<number, number> | undefined = new Map();
  private full: (Histogram & DenseInternals) | undefined;
  private count = 0;
  private minUs = Number.MAX_SAFE_INTEGER;
  private maxUs = 0;
  private cached?: LatencyStats;

  get totalCount(): number {
    return this.full ? this.full.totalCount : this.count;
  }

  get isFull(): boolean {
    return this.full !== undefined;
  }

  /** Records a duration in milliseconds as whole µs, clamped like recordMs. */
  recordMs(ms: number): void {
    if (this.full) return recordMs(this.full, ms);
    let us = Math.round(ms * 1000);
    if (!(us >= 1)) us = 1;
    else if (us > HIGHEST_TRACKABLE_US) us = HIGHEST_TRACKABLE_US;
    this.addBucket(indexOf(us), 1, us, us);
  }

  /**
   * Records many durations in milliseconds (an LLM request's inter-token
   * latencies): one by one while few, else into the full histogram by
   * recordManyFast's integer path.
   */
  recordManyMs(valuesMs: ArrayLike<number>): void {
    // Hot path: a sparse value costs a Map update (~0.3 µs), a full one a few ns; a
    // series fed this many values at once is a busy one, worth its full histogram.
    if (!this.full && this.count + valuesMs.length <= SPARSE_BUCKETS) {
      for (let i = 0; i < valuesMs.length; i++) this.recordMs(valuesMs[i]!);
      return;
    }
    const full = this.toFull();
    if (!recordManyFast(full, valuesMs)) for (let i = 0; i < valuesMs.length; i++) recordMs(full, valuesMs[i]!);
  }

  /** The full histogram, made now if the form was sparse (for recording many values through the library's paths). */
  toFull(): Histogram {
    if (!this.full) {
      const h = dense();
      this.fill(h);
      this.full = h;
      this.sparse = undefined;
    }
    return this.full;
  }

  /** Adds a full histogram (e.g. a decoded delta) bucket by bucket. */
  addHistogram(h: Histogram): void {
    if (h.totalCount === 0) return;
    if (this.full) return void this.full.add(h);
    const m = h as Histogram & DenseInternals;
    const first = m.countsArrayIndex(m.minNonZeroValue);
    const last = m.countsArrayIndex(m.maxValue);
    // A busy name's interval into an empty histogram: full at once, with the library's add;
    // and one of another shape (not made by histogram.ts) through the library's value-by-value add.
    if ((this.count === 0 && last - first >= SPARSE_BUCKETS) || !sameShape(m)) return void this.toFull().add(h);
    for (let i = first; i <= last; i++) {
      const c = m.getCountAtIndex(i);
      if (c !== 0) this.addBucket(i, c, m.minNonZeroValue, m.maxValue);
    }
  }

  /** Adds another LatencyHistogram. */
  add(o: LatencyHistogram): void {
    if (o.full) return this.addHistogram(o.full);
    if (o.count === 0) return;
    if (this.full) {
      for (const [i, c] of o.sparse!) this.full.addToCountAtIndex(i, c);
      this.full.setTotalCount(this.full.totalCount + o.count);
      this.full.updateMinAndMax(o.minUs);
      this.full.updateMinAndMax(o.maxUs);
      return;
    }
    for (const [i, c] of o.sparse!) this.addBucket(i, c, o.minUs, o.maxUs);
  }

  /** The sparse form as [index, count, index, count, …] (what a worker's delta carries), or undefined when full. */
  buckets(): number[] | undefined {
    if (!this.sparse) return undefined;
    const out: number[] = [];
    for (const [i, c] of this.sparse) out.push(i, c);
    return out;
  }

  /** Adds buckets in the form `buckets()` gives, with the exact extremes that came with them. */
  addBuckets(pairs: ArrayLike<number>, range: ExactRange): void {
    let n = 0;
    for (let k = 1; k < pairs.length; k += 2) n += pairs[k]!;
    if (n === 0) return;
    if (this.full) {
      for (let k = 0; k + 1 < pairs.length; k += 2) this.full.addToCountAtIndex(pairs[k]!, pairs[k + 1]!);
      this.full.setTotalCount(this.full.totalCount + n);
      this.full.updateMinAndMax(range.minUs);
      this.full.updateMinAndMax(range.maxUs);
      return;
    }
    for (let k = 0; k + 1 < pairs.length; k += 2) this.addBucket(pairs[k]!, pairs[k + 1]!, range.minUs, range.maxUs);
  }

  /** The exact fastest and slowest value in µs (non-empty histograms). */
  range(): ExactRange {
    return this.full ? { minUs: this.full.minNonZeroValue, maxUs: this.full.maxValue } : { minUs: this.minUs, maxUs: this.maxUs };
  }

  /**
   * Latency statistics, remembered until the count changes: the main thread
   * asks for every name's each second, and totals only grow, so names that
   * were not recorded meanwhile cost nothing.
   */
  stats(): LatencyStats {
    const n = this.totalCount;
    if (this.cached?.count !== n) this.cached = this.full ? latencyStats(this.full) : this.withScratch(latencyStats);
    return { ...this.cached };
  }

  /** Compressed base64, the encoding of a full histogram with the same counts (summary.json, merges). */
  encode(): string {
    if (this.full) return encodeHistogram(this.full);
    return this.withScratch(encodeHistogram);
  }

  /** Empties it; a full histogram stays allocated (a busy name is recorded again soon). */
  clear(): void {
    this.cached = undefined;
    if (this.full) this.full.reset();
    else this.sparse!.clear();
    this.count = 0;
    this.minUs = Number.MAX_SAFE_INTEGER;
    this.maxUs = 0;
  }

  /** Empties it and lets a full histogram go: sparse again, a few bytes. */
  release(): void {
    this.cached = undefined;
    this.full = undefined;
    this.sparse = new Map();
    this.count = 0;
    this.minUs = Number.MAX_SAFE_INTEGER;
    this.maxUs = 0;
  }

  private addBucket(index: number, n: number, minUs: number, maxUs: number): void {
    const f = this.full;
    if (f) {
      // Made full part-way through adding another histogram.
      f.addToCountAtIndex(index, n);
      f.setTotalCount(f.totalCount + n);
      f.updateMinAndMax(minUs);
      f.updateMinAndMax(maxUs);
      return;
    }
    const s = this.sparse!;
    s.set(index, (s.get(index) ?? 0) + n);
    this.count += n;
    if (minUs < this.minUs) this.minUs = minUs;
    if (maxUs > this.maxUs) this.maxUs = maxUs;
    if (s.size > SPARSE_BUCKETS) this.toFull();
  }

  /** Writes the sparse counts, total and extremes into an empty full histogram. */
  private fill(h: Histogram & DenseInternals): void {
    if (this.count === 0) return;
    for (const [i, c] of this.sparse!) h.addToCountAtIndex(i, c);
    h.setTotalCount(this.count);
    h.updateMinAndMax(this.minUs);
    h.updateMinAndMax(this.maxUs);
  }

  /** Runs `f` on the scratch histogram filled with this one's counts, then empties it again (only the buckets it set). */
  private withScratch<T>(f: (h: Histogram) => T): T {
    const h = (scratch ??= dense());
    this.fill(h);
    try {
      return f(h);
    } finally {
      for (const i of this.sparse!.keys()) h.setCountAtIndex(i, 0);
      h.setTotalCount(0);
      h.maxValue = 0;
      h.minNonZeroValue = Number.MAX_SAFE_INTEGER;
    }
  }
}
