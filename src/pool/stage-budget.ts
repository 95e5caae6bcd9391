/**
 * The request cap of a sweep stage (--max-requests-per-stage), shared by the
 * engine and every worker thread in one SharedArrayBuffer, so users stop
 * starting tasks the moment the stage has its requests, not a snapshot later.
 *
 * Cells: [0] the stage's cap (−1: none), [1] requests completed in the stage,
 * [2] tasks started in the stage. A user may start a task while fewer
 * requests than the cap have completed and fewer tasks than the cap have
 * started; so a stage of one-request tasks makes exactly the cap, and one of
 * longer tasks at most the cap plus the requests of the tasks in flight when
 * it was reached.
 */
export class StageBudget {
  private readonly cells: Int32Array;

  /** Over a buffer made by `create()` (a worker gets the engine's buffer in its options). */
  constructor(readonly buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer);
  }

  /** Engine: a new budget, with no cap. */
  static create(): StageBudget {
    const budget = new StageBudget(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
    budget.open(undefined);
    return budget;
  }

  /** Engine: a new stage begins, capped at `maxRequests` (none when undefined). */
  open(maxRequests: number | undefined): void {
    Atomics.store(this.cells, 0, -1);
    Atomics.store(this.cells, 1, 0);
    Atomics.store(this.cells, 2, 0);
    if (maxRequests !== undefined) Atomics.store(this.cells, 0, maxRequests);
  }

  /** Requests completed in the stage so far, all workers (counted only while a cap is set). */
  requestsDone(): number {
    return Atomics.load(this.cells, 1);
  }

  /** Worker: one request completed. */
  countRequest(): void {
    if (Atomics.load(this.cells, 0) >= 0) Atomics.add(this.cells, 1, 1);
  }

  /** Worker: whether a user may start a task now; claims one start if so. */
  tryStartTask(): boolean {
    const cap = Atomics.load(this.cells, 0);
    if (cap < 0) return true;
    if (Atomics.load(this.cells, 1) >= cap) return false;
    return Atomics.add(this.cells, 2, 1) < cap;
  }
}
