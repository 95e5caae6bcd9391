import { describe, expect, it } from 'vitest';
import { parseDurationMs } from '../../../src/util/duration.js';
import { formatDuration } from '../../../src/util/format-duration.js';
import { parseMockFlags } from '../../../src/cli/mock-command.js';
import { parseDelayMs } from '../../../src/thresholds/units.js';

describe('parseDurationMs', () => {
  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1h2m3s', 3_723_000],
    ['250ms', 250],
    ['1.5s', 1500],
    ['10', 10_000],
    [' 2s ', 2000],
    [2, 2000],
    [0.25, 250],
    [0, 0],
  ] as const)('%j is %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['abc', '', 's', '5x', '5M', '-5s', '1m 30s', '30s1', 'ms', '5mss', '1,5s'])('rejects %j', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects the number %d', (n) => {
    expect(parseDurationMs(n)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [250, '250ms'],
    [3000, '3s'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [3_723_000, '1h2m3s'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    if (ms >= 1000) expect(parseDurationMs(text)).toBe(ms);
  });
});

describe('one rule for every duration Volley reads', () => {
  it('reads a bare number as seconds in options, bench mock flags and a threshold delayAbortEval alike', () => {
    const mockTtft = (raw: string) => (parseMockFlags({ ttft: raw }) as { ttftMs?: number }).ttftMs;
    for (const raw of ['2', '1.5', '250ms', '1m30s']) {
      const ms = parseDurationMs(raw);
      expect(ms).toBeDefined();
      expect(mockTtft(raw), `--ttft ${raw}`).toBe(ms);
      expect(parseDelayMs(raw), `delayAbortEval ${raw}`).toBe(ms);
    }
    expect(parseDelayMs(2)).toBe(2000);
  });
});
