import { createRequire } from 'node:module';
import type { Histogram } from 'hdr-histogram-js';

// hdr-histogram-js's JS histogram and its compressed V2 encoding, from the
// package's own modules rather than its index: the index also loads its
// WebAssembly build (pako, a 39 KB base64 module, the AssemblyScript loader),
// which Volley never uses and which cost every thread ~25 ms of start-up.
// tests/unit/metrics/histogram-modules.test.ts checks these against the index.
const hdrRequire = createRequire(import.meta.url);
const { constructorFromBucketSize } = hdrRequire('hdr-histogram-js/dist/JsHistogramFactory.js') as {
  constructorFromBucketSize(bits: number): new (lowest: number, highest: number, digits: number) => Histogram;
};
// Also puts encodeIntoCompressedBase64 on the JS histogram's prototype.
const { decompress, doDecode } = hdrRequire('hdr-histogram-js/dist/JsHistogram.encoding.js') as {
  decompress(data: Uint8Array): Uint8Array;
  doDecode(data: Uint8Array, bitBucketSize: number, minBarForHighestTrackableValue: number): Histogram;
};
const Int32Histogram = constructorFromBucketSize(32);

export type { Histogram };

/**
 * Latencies are recorded as integer microseconds from 1 µs to one hour with three
 * significant digits (~95 KB per histogram). The pure-JS implementation is used on
 * both sides: a WASM histogram cannot be added to a JS one, and WASM ones must be
 * destroyed by hand.
 */
export const HIGHEST_TRACKABLE_US = 3_600_000_000;

export function createHistogram(): Histogram {
  // What hdr.build({ bitBucketSize: 32, lowestDiscernibleValue: 1, highestTrackableValue, numberOfSignificantValueDigits: 3, autoResize: false }) makes.
  const h = new Int32Histogram(1, HIGHEST_TRACKABLE_US, 3);
  h.autoResize = false;
  return h;
}

/** Records a duration in milliseconds (float) as whole microseconds, clamped to the range. */
export function recordMs(h: Histogram, ms: number): void {
  let us = Math.round(ms * 1000);
  if (us < 1) us = 1;
  else if (us > HIGHEST_TRACKABLE_US) us = HIGHEST_TRACKABLE_US;
  h.recordValue(us);
}

/**
 * Records like recordMs, plus HdrHistogram's coordinated-omission correction:
 * a value longer than the expected interval also records the samples that a
 * paced sender would have taken meanwhile (value - interval, value - 2·interval, …).
 * Both go to the histogram in µs; an interval in another unit than the values
 * (autocannon's mistake) would make the correction meaningless.
 */
export function recordMsWithExpectedInterval(h: Histogram, ms: number, expectedIntervalMs: number): void {
  let us = Math.round(ms * 1000);
  if (us < 1) us = 1;
  else if (us > HIGHEST_TRACKABLE_US) us = HIGHEST_TRACKABLE_US;
  h.recordValueWithExpectedInterval(us, Math.max(1, Math.round(expectedIntervalMs * 1000)));
}

export function encodeHistogram(h: Histogram): string {
  return (h as unknown as { encodeIntoCompressedBase64(): string }).encodeIntoCompressedBase64();
}

/**
 * The exact extremes of a histogram's values in µs. Its encoding keeps bucket
 * counts only, so a decoded histogram's max is the top of the max's bucket (up
 * to 0.1 % above the slowest value) and its min the bottom of the min's: the
 * extremes travel beside the encoding, in deltas and in summary.json.
 */
export interface ExactRange {
  minUs: number;
  maxUs: number;
}

/** The exact extremes of a non-empty histogram (recorded values are whole µs, so they are exact here). */
export function exactRange(h: Histogram): ExactRange {
  return { minUs: h.minNonZeroValue, maxUs: h.maxValue };
}

/** What decodeHistogram touches of hdr-histogram-js's JS histogram (the extremes are read-only in its typings). */
interface HistogramInternals {
  maxValue: number;
  minNonZeroValue: number;
  countsArrayIndex(value: number): number;
}

/**
 * Decodes a histogram; given its exact extremes, the decoded one carries them,
 * and `add` passes them on to whatever it is merged into. Extremes outside the
 * buckets of the decoded ones (a hand-edited file) are ignored.
 */
export function decodeHistogram(encoded: string, exact?: Partial<ExactRange>): Histogram {
  // hdr.decodeFromCompressedBase64(encoded, 32, false), with Node's own base64.
  const h = doDecode(decompress(new Uint8Array(Buffer.from(encoded.trim(), 'base64'))), 32, 0);
  if (exact && h.totalCount > 0) {
    const m = h as unknown as HistogramInternals;
    const sameBucket = (a: unknown, b: number): a is number => Number.isInteger(a) && (a as number) >= 1 && m.countsArrayIndex(a as number) === m.countsArrayIndex(b);
    if (sameBucket(exact.maxUs, m.maxValue)) m.maxValue = exact.maxUs;
    if (sameBucket(exact.minUs, m.minNonZeroValue) && exact.minUs <= m.maxValue) m.minNonZeroValue = exact.minUs;
  }
  return h;
}

/** Latency statistics in milliseconds, as reported everywhere. */
export interface LatencyStats {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** What latencyStats reads of hdr-histogram-js's JS histogram, beyond its typings. */
interface CountsInternals {
  countsArrayLength: number;
  subBucketHalfCount: number;
  unitMagnitude: number;
  getCountAtIndex(index: number): number;
  countsArrayIndex(value: number): number;
}

/**
 * hdr-histogram-js's valueFromIndex and equivalent range, inlined (small enough
 * for V8 to inline in the loops below): the width of the bucket of counts index
 * `i`, and its lowest value.
 */
const bucketWidth = (i: number, half: number, unit: number): number => Math.pow(2, Math.max(0, Math.floor(i / half) - 1) + unit);
const bucketLowest = (i: number, half: number, width: number): number => (i < half ? i : (i % half) + half) * width;

/** The percentiles LatencyStats reports, in order. */
const PERCENTILES = [50, 90, 95, 99, 99.9] as const;

/** hdr-histogram-js's own rounding of a percentile to a count (its ulp guard included), so results match it exactly. */
function countAtPercentile(percentile: number, total: number): number {
  const fp = (Math.min(percentile, 100) / 100) * total;
  return Math.max(Math.ceil(fp - Math.pow(2, Math.floor(Math.log2(fp)) - 52)), 1);
}

/**
 * Percentiles come straight from the histogram, so they never exceed the max
 * (unlike Locust's rounded response times). Values are in milliseconds.
 *
 * One pass over the counts from the min's bucket to the max's gives the mean
 * and every percentile: hdr-histogram-js's `mean` walks the histogram with
 * its iterator and each `getValueAtPercentile` from index 0: 4.0 ms per
 * histogram of 5–900 ms values against 0.36 ms here, and the main thread does this for every histogram each
 * second of a run. The figures equal the library's (tests/unit/metrics/histogram.test.ts).
 */
export function latencyStats(h: Histogram | undefined): LatencyStats {
  if (!h || h.totalCount === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  const m = h as unknown as CountsInternals;
  const total = h.totalCount;
  const max = h.maxValue;
  const targets = PERCENTILES.map((q) => countAtPercentile(q, total));
  const found: number[] = [];
  let sum = 0;
  let seen = 0;
  const last = Math.min(m.countsArrayIndex(max), m.countsArrayLength - 1);
  const half = m.subBucketHalfCount;
  const unit = m.unitMagnitude;
  for (let i = m.countsArrayIndex(h.minNonZeroValue); i <= last; i++) {
    const count = m.getCountAtIndex(i);
    if (count === 0) continue;
    const width = bucketWidth(i, half, unit);
    const lowest = bucketLowest(i, half, width);
    // The library's mean: each bucket at its median equivalent value.
    sum += (lowest + Math.floor(width / 2)) * count;
    seen += count;
    while (found.length < targets.length && seen >= targets[found.length]!) found.push(lowest + width - 1);
  }
  const p = (k: number): number => round3(Math.min(found[k] ?? max, max) / 1000);
  return {
    count: total,
    min: round3(h.minNonZeroValue / 1000),
    mean: round3(sum / total / 1000),
    p50: p(0),
    p90: p(1),
    p95: p(2),
    p99: p(3),
    p999: p(4),
    max: round3(max / 1000),
  };
}

/**
 * Counts of a histogram's values between consecutive edges (µs, ascending):
 * result[k] counts values in [edges[k], edges[k+1]); the last bucket takes the
 * max too. Each HDR bucket goes where its lowest value falls (the report's
 * latency histogram draws these).
 */
export function bucketCounts(h: Histogram, edgesUs: number[]): number[] {
  const out = new Array<number>(Math.max(0, edgesUs.length - 1)).fill(0);
  if (h.totalCount === 0 || out.length === 0) return out;
  const m = h as unknown as CountsInternals;
  const last = Math.min(m.countsArrayIndex(h.maxValue), m.countsArrayLength - 1);
  const half = m.subBucketHalfCount;
  let k = 0;
  for (let i = m.countsArrayIndex(h.minNonZeroValue); i <= last; i++) {
    const count = m.getCountAtIndex(i);
    if (count === 0) continue;
    const lowest = Math.max(bucketLowest(i, half, bucketWidth(i, half, m.unitMagnitude)), h.minNonZeroValue);
    while (k < out.length - 1 && lowest >= edgesUs[k + 1]!) k++;
    out[k]! += count;
  }
  return out;
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
export function recordManyFast(histogram: Histogram, valuesMs: ArrayLike<number>): boolean {
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
