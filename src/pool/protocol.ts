import type { MessagePort } from 'node:worker_threads';
import type { MetricsDelta } from '../metrics/delta.js';

/**
 * The whole conversation between the main thread and a worker thread. Each
 * worker gets one long-lived piscina task and a MessagePort for the run.
 */

/** The piscina task input: everything a worker needs to load the scenario. */
export interface WorkerInit {
  port: MessagePort;
  workerIndex: number;
  workerCount: number;
  /** Absolute path of the esbuild bundle of the scenario. */
  bundlePath: string;
  /** Resolved, serializable run options. */
  options: WorkerOptions;
  /** Shared with the main thread's watchdog: the worker's heartbeat and its tasks in flight (runtime/heartbeat.ts). */
  heartbeat?: SharedArrayBuffer;
}

export interface WorkerOptions {
  host?: string;
  /** Hosts a user class may name that the engine maps to real URLs (e.g. 'mock'). */
  hostAliases: Record<string, string>;
  seed: number;
  requestTimeoutMs: number;
  userClasses?: string[];
  tags?: string[];
  excludeTags?: string[];
  /** Task runs this worker may start in total (its share of --iterations). */
  iterations?: number;
  /** Max users this worker will run, to size its connection pool. */
  maxUsers: number;
  /** Milliseconds between metric deltas. */
  snapshotIntervalMs: number;
  /** Feature options passed through to clients (LLM, SLOs…). */
  extra: Record<string, unknown>;
  /** The scenarios' user groups on this worker; absent: one group 'default' from the fields above. */
  scenarios?: WorkerScenario[];
  /** A sweep stage's request cap, shared with the engine (stage-budget.ts). */
  stageBudget?: SharedArrayBuffer;
  /** Bound of each user's onStart and onStop (--lifecycle-timeout); default 30 s. */
  lifecycleTimeoutMs?: number;
}

/** One scenario's share of a worker: its classes, its iteration budget, its model's kind. */
export interface WorkerScenario {
  name: string;
  /** 'closed': the engine sets user counts; 'open': the engine sends arrivals. */
  model: 'closed' | 'open';
  /** Classes this scenario runs (default: all the worker loaded). */
  userClasses?: string[];
  tags?: string[];
  excludeTags?: string[];
  /** This worker's share of the scenario's shared iterations. */
  iterations?: number;
  /** Tasks each user runs before it stops. */
  iterationsPerUser?: number;
  /** Open model: this worker's share of maxUsers and of preAllocatedUsers. */
  maxUsers?: number;
  preAllocatedUsers?: number;
  /** Closed models with paced waits: record 'latency_corrected' with HdrHistogram's expected interval. */
  correctCoordinatedOmission?: boolean;
  /** Keep this scenario's figures apart (sent in `scenarioDeltas`). */
  separateStats: boolean;
}

/** What the worker learnt of one user class when loading the scenario. */
export interface UserClassInfo {
  name: string;
  weight: number;
  fixedCount?: number;
  host?: string;
  taskCount: number;
  /** An LLM user's traffic shape (the sweep table shows it where no --traffic overrides it). */
  traffic?: string;
  /** Scenarios ('default' for the run's own) whose --tags/--exclude-tags leave this class no task: it runs no user there. */
  noTasksIn?: string[];
  /** LLM users: the environment variable their API key is read from (named, never its value, when the server refuses it). */
  apiKeyEnv?: string;
  /** LLM users: their provider (--provider or the class's), for the run guard's hint. */
  provider?: string;
}

export type ToWorker =
  /** Run these many users of each class (closed model) in a scenario (default 'default'). Extra users stop after their current task. */
  | { type: 'users'; counts: Record<string, number>; scenario?: string }
  /**
   * Arrivals of an open-model scenario for this worker: each starts one task on
   * a free user at originMs + offsetsMs[k] (originMs on the epoch clock,
   * performance.timeOrigin + performance.now()). `end`: no more will come.
   */
  | { type: 'arrivals'; scenario: string; originMs: number; offsetsMs: Float64Array; end: boolean; /** Trace replay: each arrival's record number. */ indices?: Uint32Array }
  /** The scenario is over: its users stop after their current task (no hard abort: other scenarios share the connections). */
  | { type: 'stopScenario'; scenario: string }
  /** Run the scenario's exported setup() and answer with 'setupDone'. */
  | { type: 'setup' }
  /** The data setup() returned, handed to every user; load may begin. */
  | { type: 'begin'; setupData: unknown; hostAliases: Record<string, string>; endAtMs?: number }
  /**
   * Stop starting tasks; abort what is still in flight after graceMs; run onStop; answer 'stopped'.
   * `stopAtMs` (epoch ms): when the main thread stopped; the grace counts from then, not from when this message is read.
   */
  | { type: 'stop'; graceMs: number; stopAtMs?: number }
  /** A signal during the stop: abort what is in flight now instead of after the grace. */
  | { type: 'hurry' }
  /** Run the scenario's exported teardown(setupData) and answer 'teardownDone'. */
  | { type: 'teardown'; setupData: unknown }
  /** Send a snapshot now (a stage boundary). */
  | {
      type: 'flush';
      /**
       * The stage that begins is a warm-up (its figures stay out of the
       * summary): set with the flush, so each request lands on one side of the
       * boundary in both the figures and the --requests-log (its lines say `warmup`).
       */
      warmup?: boolean;
    }
  /** Options for the clients that change between stages (e.g. the traffic shape of a sweep). */
  | { type: 'extra'; extra: Record<string, unknown> }
  /** End the task: the worker returns and the thread may be reused. */
  | { type: 'exit' };

export interface WorkerHealthSample {
  /** Event-loop utilization over the interval, 0..1: a close proxy for this thread's CPU. */
  cpu: number;
  eventLoopDelayMs: number;
}

export type FromWorker =
  | { type: 'ready'; classes: UserClassInfo[]; threadId?: number }
  /** Names of tasks the heartbeat counts, from slot `first` on (sent once per new name). */
  | { type: 'taskNames'; first: number; names: string[] }
  /** A user's onStart or onStop did not settle within --lifecycle-timeout (sent once per class and hook). */
  | { type: 'timedOut'; what: string; afterMs: number }
  | { type: 'setupDone'; data: unknown; error?: string }
  | { type: 'snapshot'; delta: MetricsDelta; users: number; health: WorkerHealthSample; scenarioDeltas?: Record<string, MetricsDelta> }
  /**
   * A scenario has nothing left to run on this worker: its iteration budget is
   * used up, or its arrivals ended, with no task in flight (scenario absent: 'default').
   */
  | { type: 'exhausted'; scenario?: string }
  /** Users of a scenario that ran all their iterationsPerUser so far on this worker. */
  | { type: 'retired'; scenario: string; users: number }
  /**
   * A closed-model scenario has no user left on this worker (they ended by
   * themselves, with StopUser or their iterations, or were stopped), after
   * `seen` 'users' messages for it: until another comes, none will start.
   */
  | { type: 'idle'; scenario: string; seen: number }
  | { type: 'stopped'; delta: MetricsDelta; scenarioDeltas?: Record<string, MetricsDelta> }
  | { type: 'teardownDone'; error?: string }
  | { type: 'warning'; message: string }
  /**
   * The scenario could not be loaded or run: before 'ready', the run does not
   * start; during the run, a user error (`userError`) ends it with exit 2,
   * anything else with exit 70, its results written.
   */
  | { type: 'fatal'; message: string; hint?: string; userError?: boolean };
