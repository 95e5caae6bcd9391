import { describe, expect, it } from 'vitest';
import { formatRatios, median, pairedRatios } from '../../../bench/lib/rounds.js';
import { runPhases } from '../../../bench/lib/llm-measure.js';

describe('bench:llm rounds', () => {
  it('takes the median of the finite values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([NaN, 5, Infinity])).toBe(5);
    expect(median([])).toBeNaN();
  });

  it('pairs ratios by round, leaving out rounds where either tool has no figure', () => {
    const volley = new Map<number, number | undefined>([
      [1, 150],
      [2, 120],
      [3, undefined],
      [4, 90],
    ]);
    const baseline = new Map<number, number | undefined>([
      [1, 100],
      [2, 100],
      [3, 100],
      [4, 0],
    ]);
    expect(pairedRatios(volley, baseline)).toEqual([1.5, 1.2]);
    // Not the ratio of the medians (135 / 100): each round against its own neighbour.
    expect(formatRatios(pairedRatios(volley, baseline))).toBe('1.35x (1.20–1.50)');
    expect(formatRatios([1.234])).toBe('1.23x');
    expect(formatRatios([])).toBe('n/a');
  });
});

describe('bench:llm whole-run phases', () => {
  // Ticks of 10 ms (100 per second), sampled every 200 ms from launch at t = 1000.
  const samples = [
    { at: 1000, ticks: 0 },
    { at: 1200, ticks: 18 },
    { at: 1400, ticks: 30 },
    { at: 1600, ticks: 40 },
    { at: 1800, ticks: 50 },
  ];

  it('splits start-up (before the first request) and shut-down (after the last token) from the samples', () => {
    const records = [
      { t: 1300, ttftMs: 50, lastTokenMs: 200, chunks: 4 },
      { t: 1250, ttftMs: 50, lastTokenMs: 300, chunks: 4 },
    ];
    // First request at 1250: between 18 and 30 ticks; last token at 1550: 37.5 ticks.
    const p = runPhases(samples, records, 0.6, 100);
    expect(p.startupCpuSec).toBeCloseTo(0.21, 10);
    expect(p.shutdownCpuSec).toBeCloseTo(0.6 - 0.375, 10);
  });

  it('falls back to the last sample before the last token when the tool exited between two samples', () => {
    const records = [{ t: 1100, ttftMs: 50, lastTokenMs: 790, chunks: 4 }];
    const p = runPhases(samples, records, 0.7, 100);
    expect(p.startupCpuSec).toBeCloseTo(0.09, 10);
    expect(p.shutdownCpuSec).toBeCloseTo(0.2, 10);
  });

  it('leaves shut-down out when the lifetime CPU is unknown (the tool was killed)', () => {
    expect(runPhases(samples, [{ t: 1100, lastTokenMs: 100 }], undefined, 100).shutdownCpuSec).toBeUndefined();
  });
});
