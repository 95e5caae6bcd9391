import type { ScenarioConfig } from '../../config/load-models.js';
import type { RunConfig } from '../../config/resolve.js';
import type { ShapeTick } from '../../api/shape.js';
import type { ToWorker, UserClassInfo } from '../../pool/protocol.js';
import type { CapacitySummary, StageSummary } from '../../metrics/summary-types.js';

/** A stage of a run whose statistics are kept apart (a step of a sweep). */
export interface StageInfo {
  name: string;
  concurrency?: number;
  traffic?: string;
  /** Texts per embeddings request, documents per rerank, in a --batch-size sweep. */
  batchSize?: number;
  /** Warm-up stages are run but their statistics are dropped. */
  warmup?: boolean;
  /** A sweep's stage number (1-based, a warm-up shares its stage's) and how many stages it plans. */
  index?: number;
  count?: number;
  /** Users start no task once the stage has this many requests (this instance's share of --max-requests-per-stage). */
  maxRequests?: number;
  /** A rate sweep's or capacity step's arrival rate, per second. */
  ratePerSec?: number;
}

/** A LoadShape instance as the engine sees it (the class comes from the scenario bundle). */
export interface ShapeInstance {
  runTime: number;
  tick(elapsedSec: number): ShapeTick | null;
}

/** What an executor may do to the scenario it drives, and to the run. */
export interface ExecutorContext {
  cfg: RunConfig;
  /** The scenario this executor drives (the run's only one, 'default', unless options have `scenarios`). */
  scenario: ScenarioConfig;
  /** The scenario's user classes. */
  classes: UserClassInfo[];
  workerCount: number;
  post(worker: number, msg: ToWorker): void;
  postAll(msg: ToWorker): void;
  /**
   * Runs `running` users of the class mix (closed model), spread over workers;
   * `maxUsers` fixes the mix's sequence, `classes` restricts it (a LoadShape's userClasses).
   * Both are the whole plan's numbers; returns how many of them this instance runs (--segment).
   */
  setUsers(running: number, maxUsers?: number, classes?: string[]): number;
  /** This instance's share of a count of the whole plan (--segment); the count itself without a segment. */
  share(total: number): number;
  /**
   * Open models: sends arrivals, given in ms from the scenario's start in
   * global order, dealt round robin over the workers (arrival n to worker n mod W).
   * `end`: the schedule has no more. `indexed` (trace replay): each arrival's
   * global number goes with it, so the task knows which trace record it replays.
   */
  sendArrivals(timesMs: number[], end: boolean, indexed?: boolean): void;
  /** Open models: resolves once every worker fired its last arrival (after `end`) and has no task of it in flight. */
  arrivalsDone?(): Promise<void>;
  /** Starts a new stage: statistics from now on are kept under it (resolves once the workers flushed). */
  beginStage(stage: StageInfo): Promise<void>;
  /** Ends the whole run (first reason wins). */
  stop(reason: string): void;
  /** Resolves when this scenario is to stop: the run stops, or the scenario's duration or iterations are over. */
  stopped: Promise<void>;
  /** Milliseconds since this scenario started. */
  elapsedMs(): number;
  /** Users the workers reported running at their last snapshot (all scenarios). */
  runningUsers(): number;
  /** Resolves once this instance's share of the plan's `users` users ran all their iterationsPerUser. */
  usersRetired(users: number): Promise<void>;
  /**
   * Closed models: resolves once no user of this scenario runs on any worker
   * and every worker has applied the last user counts sent: the users ended by
   * themselves (StopUser, a user that could not start) and none will start
   * unless setUsers asks for more.
   */
  usersGone(): Promise<void>;
  /** Completed requests so far in the current stage (all workers, as of the last snapshot). */
  stageRequests(): number;
  /** Waits, or returns early when the scenario stops. Resolves true if it stopped. */
  sleep(ms: number): Promise<boolean>;
  warn(message: string): void;
  /** Open models: the arrival rate set by live control (startRun's setRate), with a version that changes at each call; undefined until then. */
  liveRate?(): { ratePerSec: number; version: number } | undefined;
  /** load-shape: the scenario's LoadShape. */
  shape?: ShapeInstance;
  /** Open models: the model's own rate change (a rate sweep, the capacity search), seen by the pump as liveRate. */
  setRate?(ratePerSec: number): void;
  /** The last stage closed: its figures and saturation (the capacity search judges its step by them). */
  lastStage?(): StageSummary | undefined;
  /** The capacity search's answer, for summary.json. */
  reportCapacity?(capacity: CapacitySummary): void;
  /** A progress line for the user (stderr in the CLI). */
  note?(message: string): void;
}

/**
 * A load model, k6-style: a name, whether it applies, a validation of what
 * the config cannot check alone, and `run`, which drives users or arrivals
 * over time. `run` resolves with why the model ended (the scenario then
 * ends), or never, for a model that runs until its duration, iterations or a
 * stop end it; those the engine watches for every model.
 */
export interface Executor {
  name: string;
  /** True when the resolved config asks for this model for this scenario. */
  matches(cfg: RunConfig, scenario: ScenarioConfig): boolean;
  /** Every problem with the config for this model (empty when valid). */
  validate(cfg: RunConfig, scenario: ScenarioConfig): string[];
  run(ctx: ExecutorContext): Promise<string | void>;
}
