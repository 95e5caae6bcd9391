/**
 * A worker's heartbeat, in memory shared with the main thread. A worker whose
 * event loop is blocked (a task stuck in `while (true) {}`) can send no
 * message, so the main thread reads this instead: the beat counter stops
 * moving, and the per-task counts say which tasks were in flight.
 *
 * Layout (Int32Array): [0] beat counter, [1] id + 1 of the task started last,
 * [2 + id] runs of task `id` in flight. Plain stores, no Atomics: the main
 * thread only needs a value from the last few hundred ms, and the hot path
 * (every task start and end) stays two array writes and a Map lookup.
 */
export const HEARTBEAT_TASK_SLOTS = 254;
export const HEARTBEAT_BYTES = (2 + HEARTBEAT_TASK_SLOTS) * 4;
/** How often a worker beats; the main thread calls a worker blocked after ~1 s without a beat. */
export const HEARTBEAT_EVERY_MS = 200;

export class Heartbeat {
  private readonly cells: Int32Array;
  private readonly ids = new Map<object, number>();
  private timer?: NodeJS.Timeout;

  /** `announce` tells the main thread the names of new task ids (once each); `locate` adds where a task is written. */
  constructor(
    buffer: SharedArrayBuffer | undefined,
    private readonly announce: (first: number, names: string[]) => void,
    private readonly locate: (task: object, cls: object) => string | undefined = () => undefined,
  ) {
    this.cells = new Int32Array(buffer ?? new SharedArrayBuffer(HEARTBEAT_BYTES));
  }

  start(): void {
    this.beat();
    this.timer = setInterval(() => this.beat(), HEARTBEAT_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  beat(): void {
    this.cells[0] = (this.cells[0]! + 1) | 0;
  }

  /**
   * A task run begins (`task`: its entry, the same object every run); returns
   * the id to give taskEnded (-1: not counted, past the slots).
   */
  taskStarted(task: object, cls: { name: string }, taskName: string): number {
    let id = this.ids.get(task);
    if (id === undefined) {
      id = this.ids.size < HEARTBEAT_TASK_SLOTS ? this.ids.size : -1;
      this.ids.set(task, id);
      if (id >= 0) {
        const where = this.locate(task, cls);
        this.announce(id, [`${cls.name}.${taskName}${where ? ` (${where})` : ''}`]);
      }
    }
    if (id < 0) return -1;
    this.cells[1] = id + 1;
    this.cells[2 + id]!++;
    return id;
  }

  taskEnded(id: number): void {
    if (id >= 0) this.cells[2 + id]!--;
  }
}
