import type { CapacitySummary } from '../../metrics/summary-types.js';

export interface SearchBounds {
  startLevel: number;
  maxLevel: number;
  /** The bisection ends once firstFail − lastPass ≤ precision × lastPass. */
  precision: number;
  maxSteps: number;
  /** Levels are whole numbers (users). */
  whole: boolean;
}

/**
 * Which level to try next, from the verdicts so far (vLLM's serve_sla and
 * AIPerf's search do the same): a coarse ramp doubling from the start level
 * until the first failing level (or the highest allowed), then a bisection
 * between the last passing and the first failing level down to the precision.
 */
export class CapacitySearch {
  readonly tried: Array<{ level: number; passed: boolean }> = [];
  lastPass?: number;
  firstFail?: number;

  constructor(private readonly b: SearchBounds) {}

  /** The next level, or undefined when the search is over (see outcome). */
  next(): number | undefined {
    const { b } = this;
    if (this.tried.length >= b.maxSteps) return undefined;
    if (this.firstFail === undefined) {
      if (this.lastPass === undefined) return this.tried.length ? undefined : b.startLevel;
      if (this.lastPass >= b.maxLevel) return undefined;
      return Math.min(b.maxLevel, b.whole ? Math.ceil(this.lastPass * 2) : this.lastPass * 2);
    }
    return this.bisect();
  }

  /** The middle of the bracket, or undefined once it is narrow enough or cannot be split. */
  private bisect(): number | undefined {
    if (this.lastPass === undefined || this.firstFail === undefined || this.converged) return undefined;
    const mid = (this.lastPass + this.firstFail) / 2;
    const level = this.b.whole ? Math.floor(mid) : Math.round(mid * 1000) / 1000;
    return level > this.lastPass && level < this.firstFail ? level : undefined;
  }

  record(level: number, passed: boolean): void {
    this.tried.push({ level, passed });
    if (passed) this.lastPass = Math.max(this.lastPass ?? -Infinity, level);
    else this.firstFail = Math.min(this.firstFail ?? Infinity, level);
  }

  /** The bracket is as narrow as asked (or as whole levels allow). */
  get converged(): boolean {
    if (this.lastPass === undefined || this.firstFail === undefined) return false;
    const gap = this.firstFail - this.lastPass;
    return gap <= this.b.precision * this.lastPass || (this.b.whole && gap <= 1);
  }

  /** How the search ended (call once next() gave undefined). */
  get outcome(): CapacitySummary['outcome'] {
    if (this.lastPass === undefined) return 'lowest-fails';
    if (this.firstFail === undefined) return this.lastPass >= this.b.maxLevel ? 'max-reached' : 'max-steps';
    return this.bisect() === undefined ? 'found' : 'max-steps';
  }
}
