import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { packageRoot } from '../util/package-root.js';
import { HEARTBEAT_BYTES } from '../runtime/heartbeat.js';
import type { FromWorker, ToWorker, WorkerInit, WorkerOptions } from './protocol.js';

export interface WorkerHandle {
  index: number;
  post(msg: ToWorker): void;
  /** Resolves with the next message of the given type. */
  next<T extends FromWorker['type']>(type: T): Promise<Extract<FromWorker, { type: T }>>;
  onMessage(fn: (msg: FromWorker) => void): void;
  /** Settles when the worker's task returns (or its thread dies). */
  done: Promise<void>;
  /** Why the worker's thread died, once it has; it then answers nothing more. */
  readonly died: string | undefined;
  /** Memory the worker writes its heartbeat and tasks in flight to (runtime/heartbeat.ts), read by the watchdog. */
  readonly heartbeat: Int32Array;
  /**
   * Ends the worker's thread at once, even one stuck in a loop: it answers
   * nothing more, and its death is not reported as a failure of its own
   * (`why` is what `died` says).
   */
  terminate(why: string): Promise<void>;
}

/**
 * The run's worker threads, started before the run knows its scenario: each
 * loads the worker's modules (dist/worker.js) at once, so a caller that starts
 * them early (the CLI, before it loads the engine and bundles the scenario)
 * overlaps that with its own work. A WorkerPool of the same size takes them.
 */
export class WorkerThreads {
  readonly piscina: Piscina;
  /** The first error of a thread that had no task yet (it failed to load its modules); a WorkerPool then starts its own threads and reports theirs. */
  startError?: Error;

  constructor(
    readonly count: number,
    filename = join(packageRoot(), 'dist', 'worker.js'),
  ) {
    this.piscina = new Piscina({
      filename,
      minThreads: count,
      maxThreads: count,
      concurrentTasksPerWorker: 1,
      idleTimeout: 1000,
      // Workers print through the main thread's console; keep their stdout/stderr attached.
    });
    // piscina emits a thread's error on the pool when no task is in flight there,
    // which threads started ahead of their tasks can hit; unheard, it would end the
    // process with a stack trace instead of the run's own "worker N died" report.
    this.piscina.on('error', (err: Error) => (this.startError ??= err));
  }

  /** Ends the threads (not taken by a run, or the run's own at its end). */
  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }
}

/**
 * Starts one long-lived piscina task per worker thread. piscina is built for
 * short tasks, so each task holds its thread for the whole run and talks over
 * its own MessagePort; stopping is a message, never a task abort.
 */
export class WorkerPool {
  readonly workers: WorkerHandle[] = [];
  private readonly piscina: Piscina;

  /** `started`: threads started early (WorkerThreads); taken when there are `count` of them and none failed, else ended and new ones started. */
  constructor(count: number, bundlePath: string, optionsFor: (index: number) => WorkerOptions, started?: WorkerThreads) {
    // Threads that failed before their tasks came are not taken: piscina would hold the
    // tasks for threads that never start; a pool of its own reports why they die.
    const take = started !== undefined && started.count === count && started.startError === undefined;
    if (started && !take) void started.destroy();
    this.piscina = (take ? started : new WorkerThreads(count)).piscina;
    for (let i = 0; i < count; i++) this.workers.push(this.start(i, count, bundlePath, optionsFor(i)));
  }

  private start(index: number, count: number, bundlePath: string, options: WorkerOptions): WorkerHandle {
    const { port1, port2 } = new MessageChannel();
    const listeners: Array<(m: FromWorker) => void> = [];
    port1.on('message', (m: FromWorker) => {
      for (const l of [...listeners]) l(m);
    });
    const heartbeat = new SharedArrayBuffer(HEARTBEAT_BYTES);
    const init: WorkerInit = { port: port2 as MessagePort, workerIndex: index, workerCount: count, bundlePath, options, heartbeat };
    let died: string | undefined;
    let threadId: number | undefined;
    port1.on('message', (m: FromWorker) => {
      if (m.type === 'ready') threadId = m.threadId;
    });
    const done = this.piscina.run(init, { transferList: [port2] as never }).then(
      () => undefined,
      (err: unknown) => {
        if (died !== undefined) return; // terminated on purpose: already said why
        died = `worker ${index} died: ${err instanceof Error ? err.message : String(err)}`;
        for (const l of [...listeners]) l({ type: 'fatal', message: died });
      },
    );
    return {
      index,
      get died() {
        return died;
      },
      post: (msg) => {
        if (died === undefined) port1.postMessage(msg);
      },
      onMessage: (fn) => listeners.push(fn),
      heartbeat: new Int32Array(heartbeat),
      terminate: async (why) => {
        if (died !== undefined) return;
        died = why;
        // A dead worker answers nothing: whoever waits on it learns now.
        for (const l of [...listeners]) l({ type: 'fatal', message: why });
        const thread = this.piscina.threads.find((t) => t.threadId === threadId);
        await thread?.terminate();
      },
      next: (type) =>
        new Promise((resolve, reject) => {
          // A dead worker answers nothing: waiting for it would hang the run.
          if (died !== undefined) return reject(Object.assign(new Error(died), { fatal: { type: 'fatal', message: died } }));
          const fn = (m: FromWorker) => {
            if (m.type === type || m.type === 'fatal') {
              listeners.splice(listeners.indexOf(fn), 1);
              if (m.type === 'fatal' && type !== 'fatal') reject(Object.assign(new Error(m.message), { fatal: m }));
              else resolve(m as never);
            }
          };
          listeners.push(fn);
        }),
      done: done.finally(() => port1.close()),
    };
  }

  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }
}
