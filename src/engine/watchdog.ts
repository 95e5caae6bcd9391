import { HEARTBEAT_TASK_SLOTS } from '../runtime/heartbeat.js';
import type { WorkerHandle } from '../pool/pool.js';

/** A worker whose heartbeat has not moved for this long is shown as blocked. */
export const BLOCKED_AFTER_MS = 1000;
const CHECK_EVERY_MS = 250;

interface Watched {
  handle: WorkerHandle;
  lastBeat: number;
  lastChangeAt: number;
  /** A thread still starting has not beaten yet: it is not blocked, only not there yet. */
  beating: boolean;
  blockedSince?: number;
  /** Task names by heartbeat slot, as the worker announced them. */
  names: string[];
}

/**
 * Watches each worker's heartbeat (shared memory it writes every 200 ms, see
 * runtime/heartbeat.ts). A worker whose event loop is blocked sends nothing,
 * so this is the only way the main thread learns of it and of which tasks
 * were in flight there. It calls `onBlocked` once per episode.
 */
export class Watchdog {
  private readonly watched = new Map<number, Watched>();
  private timer?: NodeJS.Timeout;

  constructor(
    workers: readonly WorkerHandle[],
    private readonly onBlocked: (index: number, tasks: string) => void = () => undefined,
  ) {
    const now = performance.now();
    for (const w of workers) {
      // From 0, the counter's value before the thread's first beat, not its value now: a thread
      // started ahead (cli/prestart.ts) may beat once and block within the first check's 250 ms,
      // and a baseline read after that beat would never see it beat, nor call it blocked.
      this.watched.set(w.index, { handle: w, lastBeat: 0, lastChangeAt: now, beating: false, names: [] });
      w.onMessage((m) => {
        if (m.type !== 'taskNames') return;
        const names = this.watched.get(w.index)!.names;
        m.names.forEach((n, k) => (names[m.first + k] = n));
      });
    }
  }

  start(): this {
    this.timer = setInterval(() => this.check(), CHECK_EVERY_MS);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Reads every heartbeat now; also called before a decision (the stop deadline) so it is not up to 250 ms stale. */
  check(): void {
    const now = performance.now();
    for (const [index, w] of this.watched) {
      if (w.handle.died !== undefined) continue;
      const beat = w.handle.heartbeat[0]!;
      if (beat !== w.lastBeat) {
        w.beating = true;
        w.lastBeat = beat;
        w.lastChangeAt = now;
        w.blockedSince = undefined;
      } else if (w.beating && w.blockedSince === undefined && now - w.lastChangeAt >= BLOCKED_AFTER_MS) {
        w.blockedSince = w.lastChangeAt;
        this.onBlocked(index, this.tasksInFlight(index));
      }
    }
  }

  /** How long the worker's event loop has not turned, when it is blocked (over BLOCKED_AFTER_MS); undefined otherwise. */
  blockedForMs(index: number): number | undefined {
    const w = this.watched.get(index);
    if (!w || w.blockedSince === undefined || w.handle.died !== undefined) return undefined;
    return performance.now() - w.blockedSince;
  }

  /**
   * The tasks in flight on a worker, as "Class.task" names, the one started
   * last first (in a blocked worker, the likeliest culprit); '' when none is.
   */
  tasksInFlight(index: number): string {
    const w = this.watched.get(index);
    if (!w) return '';
    const cells = w.handle.heartbeat;
    const lastId = cells[1]! - 1;
    const name = (id: number) => w.names[id] ?? `task #${id}`;
    const parts: string[] = [];
    const add = (id: number) => {
      const n = cells[2 + id]!;
      if (n > 0) parts.push(n === 1 ? name(id) : `${name(id)} (${n} in flight)`);
    };
    if (lastId >= 0) add(lastId);
    for (let id = 0; id < HEARTBEAT_TASK_SLOTS; id++) if (id !== lastId) add(id);
    return parts.join(', ');
  }
}
