import type { WorkerHandle } from '../pool/pool.js';
import type { FromWorker } from '../pool/protocol.js';
import { ABANDON_AFTER_MS } from '../runtime/stop-limits.js';
import { formatDuration } from '../util/format-duration.js';
import type { Watchdog } from './watchdog.js';

type Stopped = Extract<FromWorker, { type: 'stopped' }>;

/** Past the grace, what a worker gets to abort its requests, give up on stuck tasks and answer. */
export const STOP_ANSWER_MARGIN_MS = ABANDON_AFTER_MS + 1000;

export interface StopPlan {
  graceMs: number;
  /** When the run stopped (epoch ms): the grace counts from then. */
  stopAtMs: number;
  watchdog?: Watchdog;
  /** Settles when a signal asks to cut the stop short: workers abort in-flight requests now. */
  hurried: Promise<void>;
  /** Told of each worker that did not answer and was terminated (for meta.timedOut). */
  onTerminated(index: number, tasks: string): void;
}

/**
 * Tells every live worker to stop and collects their last figures. A worker
 * that has not answered by the end of the grace plus STOP_ANSWER_MARGIN_MS
 * (its thread blocked by a task in a loop, say) is terminated: the figures it
 * last sent are kept, and its death names it and the tasks it was running.
 * So the stop phase never lasts much more than --stop-timeout.
 */
export async function stopWorkersWithDeadline(workers: readonly WorkerHandle[], plan: StopPlan): Promise<Stopped[]> {
  const live = workers.filter((w) => w.died === undefined);
  const answers = new Map<number, Stopped>();
  const answered = live.map((w) => {
    const p = w.next('stopped').then(
      (m) => void answers.set(w.index, m),
      () => undefined,
    );
    w.post({ type: 'stop', graceMs: plan.graceMs, stopAtMs: plan.stopAtMs });
    return p;
  });
  const all = Promise.all(answered).then(() => 'all' as const);
  let deadlineAt = plan.stopAtMs + plan.graceMs + STOP_ANSWER_MARGIN_MS;
  void plan.hurried.then(() => {
    for (const w of live) w.post({ type: 'hurry' });
    deadlineAt = Math.min(deadlineAt, Date.now() + STOP_ANSWER_MARGIN_MS);
  });
  // Polled, not one timer: a signal moves the deadline closer.
  let ticker: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => (ticker = setInterval(() => Date.now() >= deadlineAt && r('late'), 100)));
  const outcome = await Promise.race([all, late]);
  clearInterval(ticker);
  if (outcome === 'all') return [...answers.values()];
  plan.watchdog?.check();
  await Promise.all(
    live
      .filter((w) => !answers.has(w.index) && w.died === undefined)
      .map((w) => {
        const tasks = plan.watchdog?.tasksInFlight(w.index) ?? '';
        const blockedMs = plan.watchdog?.blockedForMs(w.index);
        // Blocked: its heartbeat stopped (a task that never yields). Otherwise it beats but is too busy to answer (overloaded).
        const state = blockedMs !== undefined ? `its thread had been blocked for ${formatDuration(Math.max(1000, blockedMs))}` : 'it was too busy to answer';
        const hint =
          blockedMs !== undefined
            ? 'a task that never yields (a loop without await, a long synchronous computation) blocks its worker'
            : 'the worker was overloaded: fewer users per worker (--workers, more machines) or a longer --stop-timeout';
        plan.onTerminated(w.index, tasks);
        return w.terminate(
          `worker ${w.index} did not stop within --stop-timeout ${formatDuration(plan.graceMs)} and was terminated: ${state}` +
            (tasks ? `; running: ${tasks}` : '') +
            `\n  ${hint}; the figures it had not sent are lost`,
        );
      }),
  );
  return [...answers.values()];
}
