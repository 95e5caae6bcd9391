import { describe, expect, it } from 'vitest';
import { CapacitySearch, type SearchBounds } from '../../../../src/engine/capacity/search.js';

/** Runs the search against a target that passes every level up to `capacity`. */
function searchFor(capacity: number, bounds: Partial<SearchBounds> = {}): { search: CapacitySearch; levels: number[] } {
  const search = new CapacitySearch({ startLevel: 1, maxLevel: 1000, precision: 0.05, maxSteps: 20, whole: false, ...bounds });
  const levels: number[] = [];
  for (let level = search.next(); level !== undefined; level = search.next()) {
    levels.push(level);
    search.record(level, level <= capacity);
  }
  return { search, levels };
}

describe('the capacity search', () => {
  it('doubles from the start level until a level fails, then bisects down to the precision', () => {
    const { search, levels } = searchFor(40);
    expect(levels.slice(0, 7)).toEqual([1, 2, 4, 8, 16, 32, 64]);
    expect(levels.slice(7, 9)).toEqual([48, 40]);
    expect(search.outcome).toBe('found');
    expect(search.lastPass).toBeGreaterThanOrEqual(40 / 1.05);
    expect(search.lastPass).toBeLessThanOrEqual(40);
    expect((search.firstFail! - search.lastPass!) / search.lastPass!).toBeLessThanOrEqual(0.05);
  });

  it('ends with lowest-fails when the start level fails, trying nothing else', () => {
    const { search, levels } = searchFor(0.5);
    expect(levels).toEqual([1]);
    expect(search.outcome).toBe('lowest-fails');
    expect(search.lastPass).toBeUndefined();
  });

  it('stops at the highest level allowed when every level passes', () => {
    const { search, levels } = searchFor(Infinity, { maxLevel: 50 });
    expect(levels).toEqual([1, 2, 4, 8, 16, 32, 50]);
    expect(search.outcome).toBe('max-reached');
    expect(search.lastPass).toBe(50);
  });

  it('stops after --max-steps with the bracket it has', () => {
    const { search, levels } = searchFor(40, { maxSteps: 8 });
    expect(levels).toHaveLength(8);
    expect(search.outcome).toBe('max-steps');
    expect(search.lastPass).toBe(32);
    expect(search.firstFail).toBe(48);
  });

  it('searches users in whole numbers, down to a bracket of one user', () => {
    const { search, levels } = searchFor(11, { whole: true, precision: 0.01 });
    expect(levels.every((l) => Number.isInteger(l))).toBe(true);
    expect(search.lastPass).toBe(11);
    expect(search.firstFail).toBe(12);
    expect(search.outcome).toBe('found');
  });
});
