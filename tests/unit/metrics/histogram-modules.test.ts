import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { createHistogram, decodeHistogram, encodeHistogram, HIGHEST_TRACKABLE_US } from '../../../src/metrics/histogram.js';

// metrics/histogram.ts loads hdr-histogram-js's JS histogram and encoding from the
// package's own modules, not its index: they must be what the index gives.
describe('the histogram modules, against hdr-histogram-js as published', () => {
  const values = [1, 2, 999, 1_000, 1_001, 123_456, 9_999_999, HIGHEST_TRACKABLE_US];

  it('a new histogram is the one hdr.build makes', () => {
    const ours = createHistogram();
    const theirs = hdr.build({ useWebAssembly: false, bitBucketSize: 32, lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_TRACKABLE_US, numberOfSignificantValueDigits: 3, autoResize: false });
    expect(ours.constructor).toBe(theirs.constructor);
    for (const v of values) {
      ours.recordValue(v);
      theirs.recordValue(v);
    }
    expect(encodeHistogram(ours)).toBe(hdr.encodeIntoCompressedBase64(theirs));
  });

  it('decodes what the index encodes, and the index decodes what we encode', () => {
    const h = createHistogram();
    for (const v of values) h.recordValue(v);
    const text = encodeHistogram(h);
    const ours = decodeHistogram(text);
    const theirs = hdr.decodeFromCompressedBase64(text, 32, false);
    expect(ours.totalCount).toBe(values.length);
    for (const p of [0, 50, 90, 99, 99.9, 100]) expect(ours.getValueAtPercentile(p)).toBe(theirs.getValueAtPercentile(p));
    expect(ours.maxValue).toBe(theirs.maxValue);
  });

  it('a string that is not an encoded histogram throws', () => {
    expect(() => decodeHistogram('not a histogram')).toThrow();
  });
});
