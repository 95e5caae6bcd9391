import { describe, expect, it } from 'vitest';
import { blockChart, niceCeil, sparkline } from '../../../../src/report/tui/chart.js';
import { Series } from '../../../../src/report/tui/history.js';
import { stack } from '../../../../src/report/tui/layout.js';
import { fmtPercent } from '../../../../src/report/tui/text.js';

describe('charts', () => {
  it('draws a sparkline right-aligned, zero and NaN as blanks', () => {
    expect(sparkline([0, 4, 8, NaN], 6)).toBe('   ▄█ ');
  });

  it('rounds the axis up to a round number', () => {
    expect(niceCeil(47.3)).toBe(50);
    expect(niceCeil(315)).toBe(400);
    expect(niceCeil(0)).toBe(1);
  });

  it('fills a multi-row chart from the bottom and draws the lower series in its colour and a shade (▒), not by colour alone', () => {
    const rows = blockChart({ upper: [8, 4], lower: [4, 0], width: 2, height: 2, upperStyle: 'green-fg', lowerStyle: 'red-fg' });
    expect(rows).toEqual(['{green-fg}█{/green-fg} ', '{red-fg}▒{/red-fg}{green-fg}█{/green-fg}']);
  });
});

describe('Series', () => {
  it('keeps the newest values when full', () => {
    const s = new Series(3);
    for (const v of [1, 2, 3, 4]) s.push(v);
    expect(s.last(10)).toEqual([2, 3, 4]);
    expect(s.latest()).toBe(4);
  });
});

describe('stack', () => {
  it('gives minimums first, then wants in order, and the rest to the growing box', () => {
    const p = stack([{ id: 'endpoints', min: 2, want: 10, grow: true }, { id: 'charts', min: 1, want: 4 }], 'rule', 0, 0, 80, 12);
    expect(p.map((x) => [x.id, x.top, x.height])).toEqual([['endpoints', 0, 7], ['charts', 7, 5]]);
  });

  it('leaves out the least important boxes when even the minimums do not fit', () => {
    const p = stack([{ id: 'endpoints', min: 3, want: 3 }, { id: 'health', min: 3, want: 3, keep: 9 }, { id: 'charts', min: 3, want: 3 }], 'box', 0, 0, 80, 10);
    expect(p.map((x) => x.id)).toEqual(['endpoints', 'charts']);
  });
});

describe('fmtPercent', () => {
  it('never rounds a failure away', () => {
    expect(fmtPercent(6061 / 6076)).toBe('99.7%');
    expect(fmtPercent(0.0001)).toBe('0.1%');
    expect(fmtPercent(1)).toBe('100%');
  });
});
