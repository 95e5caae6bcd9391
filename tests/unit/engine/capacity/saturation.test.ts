import { describe, expect, it } from 'vitest';
import { judgeSaturation, type LoadPoint } from '../../../../src/engine/capacity/saturation.js';

/** Ten quarter-second intervals of an open model at 40/s, with the latency and users given per interval. */
function step(p50: (i: number) => number, users: (i: number) => number, started = 40): LoadPoint[] {
  return Array.from({ length: 10 }, (_, i) => ({ offeredPerSec: 40, startedPerSec: started, droppedPerSec: 0, completedPerSec: 40, p50Ms: p50(i), users: users(i), intervalSec: 0.25 }));
}

describe('the over-saturation rule', () => {
  it('does not fire on a steady step (latency and in-flight flat, arrivals on time)', () => {
    const s = judgeSaturation(step((i) => 100 + (i % 2) * 3, () => 12), true);
    expect(s).toEqual({ saturated: false, reasons: [] });
  });

  it('fires when the latency keeps climbing through the step', () => {
    const s = judgeSaturation(step((i) => 100 + i * 40, () => 12), true);
    expect(s.saturated).toBe(true);
    expect(s.reasons).toEqual([expect.stringMatching(/^latency kept climbing, p50 180 ms → 380 ms/)]);
  });

  it('fires when the requests in flight keep growing', () => {
    const s = judgeSaturation(step(() => 100, (i) => 10 + i * 5), true);
    expect(s.reasons).toEqual([expect.stringMatching(/^requests in flight kept growing, 30 → 55 users/)]);
  });

  it('does not take one slow interval (a pause of the machine) for a trend', () => {
    expect(judgeSaturation(step((i) => (i === 8 ? 400 : 100), () => 12), true).saturated).toBe(false);
    expect(judgeSaturation(step(() => 100, (i) => (i < 7 ? 12 : 15)), true).saturated).toBe(false);
  });

  it('fires when the achieved rate falls behind the offered one, and not for a rounding shortfall', () => {
    expect(judgeSaturation(step(() => 100, () => 12, 30), true).reasons).toEqual([expect.stringMatching(/^achieved 30\/s, 25% behind the offered 40\/s/)]);
    // One arrival short of 10 over the step: within the rule's margin.
    expect(judgeSaturation(step(() => 100, () => 12, 39.6), true).saturated).toBe(false);
  });

  it('judges a closed model by its latency only, and too short a step not by trends', () => {
    expect(judgeSaturation(step(() => 100, (i) => 10 + i * 5), false).saturated).toBe(false);
    expect(judgeSaturation(step((i) => 100 + i * 40, () => 12).slice(0, 3), true).saturated).toBe(false);
  });
});
