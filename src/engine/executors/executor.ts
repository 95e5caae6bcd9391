import type { RunConfig } from '../../config/resolve.js';
import type { ToWorker, UserClassInfo } from '../../pool/protocol.js';

/** A stage of a run whose statistics are kept apart (a step of a sweep). */
export interface StageInfo {
  name: string;
  concurrency?: number;
  traffic?: string;
  /** Warm-up stages are run but their statistics are dropped. */
  warmup?: boolean;
}

/** What an executor may do to the run it drives. */
export interface ExecutorContext {
  cfg: RunConfig;
  classes: UserClassInfo[];
  workerCount: number;
  post(worker: number, msg: ToWorker): void;
  postAll(msg: ToWorker): void;
  /** Runs `running` users of the class mix (closed model), spread over workers. */
  setUsers(running: number, maxUsers?: number): void;
  /** Starts a new stage: statistics from now on are kept under it. */
  beginStage(stage: StageInfo): void;
  /** Ends the run (first reason wins). */
  stop(reason: string): void;
  /** Resolves when the run is asked to stop, for whatever reason. */
  stopped: Promise<void>;
  /** Milliseconds since the load started. */
  elapsedMs(): number;
  /** Users the workers reported running at their last snapshot. */
  runningUsers(): number;
  /** Completed requests so far in the current stage (all workers, as of the last snapshot). */
  stageRequests(): number;
  /** Waits, or returns early when the run stops. Resolves true if the run stopped. */
  sleep(ms: number): Promise<boolean>;
  warn(message: string): void;
}

/**
 * A load model, k6-style: a name, whether it applies to a config, and `run`,
 * which drives users or arrivals until it is done or the run stops.
 */
export interface Executor {
  name: string;
  /** True when the resolved config asks for this model. */
  matches(cfg: RunConfig): boolean;
  /** Every problem with the config for this model (empty when valid). */
  validate(cfg: RunConfig): string[];
  run(ctx: ExecutorContext): Promise<void>;
}
