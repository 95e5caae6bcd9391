import type { RunConfig } from '../config/resolve.js';
import type { Run } from '../engine/orchestrator.js';
import type { LiveSnapshot } from '../metrics/live-snapshot.js';
import type { Reporter } from '../metrics/reporter.js';
import type { RunHandle, RunOutcome, RunState, UserAction } from './handle.js';

/**
 * The handle startRun() returns: a thin owner over the engine's Run. It
 * follows the run through its own reporter (state, snapshots) and passes
 * each control on to the engine, which records it as a user action.
 */
export class RunController implements RunHandle {
  private run?: Run;
  private started = false;
  private ended = false;
  private last?: LiveSnapshot;
  private readonly listeners = new Set<(s: LiveSnapshot) => void>();
  private readonly endListeners = new Set<() => void>();
  private outcome!: Promise<RunOutcome>;

  /** Hooks the engine calls like any reporter's; first in the list. */
  readonly reporter: Reporter = {
    onRunStart: () => {
      this.started = true;
    },
    onSnapshot: (s) => {
      this.last = s;
      for (const l of this.listeners) {
        try {
          l(s);
        } catch {
          // A listener's failure is its own: the run and the other listeners go on.
        }
      }
    },
  };

  constructor(
    /** The run's resolved options. */
    readonly config: RunConfig,
  ) {}

  /** @internal startRun: the engine's run this handle drives. */
  attach(run: Run): void {
    this.run = run;
  }

  /** @internal startRun: the end of the run, which `done` settles with. */
  settle(ended: Promise<RunOutcome>): void {
    this.outcome = ended.finally(() => {
      this.ended = true;
      for (const l of this.endListeners) l();
      this.endListeners.clear();
    });
    // A caller that never awaits `done` must not get an unhandled rejection; one that does still sees it.
    this.outcome.catch(() => undefined);
  }

  get done(): Promise<RunOutcome> {
    return this.outcome;
  }

  get state(): RunState {
    if (this.ended) return 'done';
    if (this.run?.stopping) return 'stopping';
    return this.started ? 'running' : 'starting';
  }

  get lastSnapshot(): LiveSnapshot | undefined {
    return this.last;
  }

  get actions(): readonly UserAction[] {
    return this.run?.actions ?? [];
  }


  onSnapshot(listener: (snapshot: LiveSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  snapshots(): AsyncIterable<LiveSnapshot> {
    const queue: LiveSnapshot[] = [];
    let wake: (() => void) | undefined;
    let finished = this.ended;
    const off = this.onSnapshot((s) => {
      queue.push(s);
      wake?.();
    });
    const onEnd = () => {
      finished = true;
      wake?.();
    };
    this.endListeners.add(onEnd);
    const stopListening = () => {
      off();
      this.endListeners.delete(onEnd);
    };
    return {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<LiveSnapshot>> => {
          while (queue.length === 0 && !finished) await new Promise<void>((r) => (wake = r));
          wake = undefined;
          if (queue.length) return { value: queue.shift()!, done: false };
          stopListening();
          return { value: undefined, done: true };
        },
        return: async (): Promise<IteratorResult<LiveSnapshot>> => {
          stopListening();
          return { value: undefined, done: true };
        },
      }),
    };
  }

  setUsers(users: number, spawnRate?: number): void {
    this.run!.setUsers(users, spawnRate);
  }

  setRate(ratePerSec: number): void {
    this.run!.setRate(ratePerSec);
  }

  /** Idempotent: a second call while the run stops does not cut its requests short (the TUI's second q does). */
  stop(reason = 'stopped by user'): void {
    if (this.run!.stopping) return;
    this.run!.stopByUser(reason);
  }

  resetStats(): void {
    this.run!.resetStats();
  }

  stopNow(): void {
    this.run?.interruptAgain();
  }
}
