import { AsyncLocalStorage } from 'node:async_hooks';
import type { Dispatcher } from 'undici';
import { LazyDispatcher } from '../clients/lazy-dispatcher.js';
import { SocketPool } from '../clients/wire/socket-pool.js';
import { installRuntimeHooks } from '../api/hooks.js';
import type { MetricsDelta } from '../metrics/delta.js';
import { MetricsRecorder } from '../metrics/recorder.js';
import type { WorkerOptions, WorkerScenario } from '../pool/protocol.js';
import { StageBudget } from '../pool/stage-budget.js';
import type { UserClass } from './load-scenario.js';
import { taskTable } from './tasks.js';
import { UserGroup, type GroupOwner } from './user-group.js';
import type { ClientAttacher } from './virtual-user.js';
import { setLongTimeout, type LongTimeout } from '../util/long-timeout.js';
import type { Heartbeat } from './heartbeat.js';

import { ABANDON_AFTER_MS } from './stop-limits.js';

/**
 * Everything one worker thread shares among its users: the recorder, the one
 * keep-alive dispatcher, and a group of users per scenario.
 */
export class WorkerRuntime implements GroupOwner {
  /** The recorder of the 'default' scenario, and of measurements made outside any user. */
  readonly recorder: MetricsRecorder;
  /** undici's Agent, made by the first request that needs it (clients/lazy-dispatcher.ts). */
  readonly agent: LazyDispatcher;
  readonly dispatcher: Dispatcher;
  /** LLM streams to plain-HTTP servers go over raw sockets (clients/wire/socket-pool.ts). */
  readonly sockets = new SocketPool();
  readonly hardStop = new AbortController();
  readonly groups = new Map<string, UserGroup>();
  readonly userStore?: AsyncLocalStorage<{ recorder?: MetricsRecorder }>;
  setupData: unknown;
  stopping = false;
  /** A sweep stage's request cap, shared with the engine and the other workers. */
  readonly stageBudget?: StageBudget;
  private nextLocalId = 0;
  onExhausted: (scenario: string) => void = () => undefined;
  onRetired: (scenario: string, users: number) => void = () => undefined;
  onIdle: (scenario: string, seen: number) => void = () => undefined;
  /** A user could not start (e.g. its LLM client could not be created): the worker tells the main thread. */
  onFatal: (err: unknown) => void = () => undefined;
  /** A warning for the user (the main thread prints it and records it in summary.json). */
  onWarning: (message: string) => void = () => undefined;
  private readonly warned = new Set<string>();

  warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.onWarning(message);
  }
  /** A hook of some user did not settle in time: told once per class and hook. */
  onHookTimedOut: (what: string, afterMs: number) => void = () => undefined;
  private readonly hooksTimedOut = new Set<string>();
  heartbeat?: Heartbeat;
  /** The run's planned end (epoch ms) with -t: no task starts after it. */
  endAtMs?: number;
  private hurried = false;
  private hurryNow?: () => void;

  constructor(
    readonly options: WorkerOptions,
    readonly workerIndex: number,
    readonly workerCount: number,
    classes: Map<string, UserClass>,
    attachers: ClientAttacher[],
  ) {
    this.recorder = new MetricsRecorder(maxNamesOf(options.extra));
    // Explicit pool settings so behaviour does not shift with undici's defaults:
    // one connection per concurrent user at most, no pipelining, HTTP/1.1.
    this.agent = new LazyDispatcher({
      connections: Math.max(1, options.maxUsers),
      pipelining: 1,
      allowH2: false,
      keepAliveTimeout: 30_000,
      connect: { timeout: 10_000 },
    });
    this.dispatcher = this.agent.asDispatcher();
    const specs: WorkerScenario[] = options.scenarios ?? [
      { name: 'default', model: 'closed', iterations: options.iterations, tags: options.tags, excludeTags: options.excludeTags, separateStats: false },
    ];
    // Custom measurements (check, measure, trend…) find their user's recorder through an
    // async-local store; it costs a little per promise, so only runs that need it pay.
    if (specs.length > 1 || specs.some((s) => s.model === 'open' || s.separateStats)) this.userStore = new AsyncLocalStorage();
    for (const spec of specs) {
      // A class the scenario's tag filter leaves with no task runs no user there (the engine plans none; open models must not pick it).
      const filter = { tags: spec.tags, excludeTags: spec.excludeTags };
      const own = new Map([...classes].filter(([n, c]) => (!spec.userClasses?.length || spec.userClasses.includes(n)) && taskTable(c, filter).entries.length > 0));
      const recorder = spec.separateStats ? new MetricsRecorder(this.recorder.maxNames) : this.recorder;
      this.groups.set(spec.name, new UserGroup(spec, this, recorder, own, attachers));
    }
    if (options.stageBudget) {
      const budget = (this.stageBudget = new StageBudget(options.stageBudget));
      // Every completed request, whichever recorder takes it, counts towards the stage's cap.
      for (const r of new Set([this.recorder, ...[...this.groups.values()].map((g) => g.recorder)])) {
        const record = r.recordRequest.bind(r);
        r.recordRequest = (sample) => {
          record(sample);
          budget.countRequest();
        };
      }
    }
    const current = () => this.userStore?.getStore()?.recorder ?? this.recorder;
    installRuntimeHooks({
      recordCustom: (r) =>
        current().recordRequest({
          method: r.type,
          name: r.name,
          durationMs: r.durationMs,
          bytes: r.bytes ?? 0,
          error: r.error === undefined ? undefined : r.error instanceof Error ? r.error.message : String(r.error),
        }),
      recordCheck: (n, p) => current().recordCheck(n, p),
      recordTrend: (n, v) => current().recordTrend(n, v),
      addCounter: (n, v) => current().add(n, v),
    });
  }

  hookTimedOut(what: string, afterMs: number): void {
    if (this.hooksTimedOut.has(what)) return;
    this.hooksTimedOut.add(what);
    this.onHookTimedOut(what, afterMs);
  }

  pastEnd(): boolean {
    if (this.endAtMs === undefined || this.stopping) return this.stopping;
    if (Date.now() < this.endAtMs) return false;
    // Stop as the stop message would: a worker that is behind reads it late, its users must not go on meanwhile.
    this.stopping = true;
    return true;
  }

  /** A signal during the stop: in-flight requests are aborted now rather than after the grace. */
  hurry(): void {
    this.hurried = true;
    this.hurryNow?.();
  }

  nextUserId(): number {
    return this.workerIndex + this.workerCount * this.nextLocalId++;
  }

  resolveHost(userHost: string | undefined): string | undefined {
    const h = this.options.host ?? userHost;
    if (h === undefined) return undefined;
    return this.options.hostAliases[h] ?? h;
  }

  private group(name = 'default'): UserGroup | undefined {
    return this.groups.get(name);
  }

  get userCount(): number {
    let n = 0;
    for (const g of this.groups.values()) n += g.userCount;
    return n;
  }

  /** The load begins (setup is done). */
  begin(): void {
    for (const g of this.groups.values()) g.begin();
  }

  /** Starts or stops users of a closed-model scenario so each class has the given count. */
  setUsers(counts: Record<string, number>, scenario?: string): void {
    this.group(scenario)?.setUsers(counts);
  }

  /** Queues arrivals of an open-model scenario. */
  arrivals(scenario: string, originMs: number, offsetsMs: Float64Array, end: boolean, indices?: Uint32Array): void {
    if (!this.stopping) this.group(scenario)?.arrivals(originMs, offsetsMs, end, indices);
  }

  /** Ends one scenario: its users stop after their current task. */
  stopScenario(scenario: string): void {
    this.group(scenario)?.stop();
  }

  /** The figures since the last call: the default recorder's, and each separate scenario's. */
  takeDeltas(): { delta: MetricsDelta; scenarioDeltas?: Record<string, MetricsDelta> } {
    const delta = this.recorder.takeDelta();
    let scenarioDeltas: Record<string, MetricsDelta> | undefined;
    for (const g of this.groups.values()) {
      if (g.recorder === this.recorder) continue;
      (scenarioDeltas ??= {})[g.spec.name] = g.recorder.takeDelta();
    }
    return { delta, scenarioDeltas };
  }

  /**
   * Stops every user: no new tasks; in-flight requests get graceMs (counted
   * from stopAtMs, when the main thread stopped), then are aborted. Users still
   * not done shortly after (a task awaiting a promise that never settles) are
   * given up: their task is counted as aborted.
   */
  async stopAll(graceMs: number, stopAtMs = Date.now()): Promise<void> {
    this.stopping = true;
    const all = [...this.groups.values()].flatMap((g) => {
      g.stop();
      return g.allUsers();
    });
    const settled = Promise.allSettled(all.map((u) => u.done));
    let timer: LongTimeout | undefined;
    const leftMs = this.hurried ? 0 : Math.max(0, Math.min(graceMs, stopAtMs + graceMs - Date.now()));
    const grace = new Promise<'timeout'>((r) => {
      this.hurryNow = () => r('timeout');
      timer = setLongTimeout(() => r('timeout'), leftMs);
    });
    const outcome = await Promise.race([settled, grace]);
    timer?.clear();
    if (outcome === 'timeout') {
      this.hardStop.abort();
      // Destroying the agent fails every in-flight request at once; the clients
      // see hardStop aborted and record those requests as aborted.
      await this.agent.destroy().catch(() => undefined);
      // HttpUser requests on the socket transport end the same way (LLM exchanges watch hardStop themselves).
      this.sockets.close();
      // Short: the main thread gives a worker --stop-timeout plus ABANDON_AFTER_MS and a little, then terminates it.
      let wait: NodeJS.Timeout | undefined;
      const done = await Promise.race([settled.then(() => true), new Promise<false>((r) => (wait = setTimeout(() => r(false), ABANDON_AFTER_MS)))]);
      clearTimeout(wait);
      if (!done) for (const u of all) u.abandon();
    } else {
      await this.agent.close().catch(() => undefined);
    }
    this.sockets.close();
  }
}

/** --max-names as the worker got it (validated by the config schema), or the default. */
function maxNamesOf(extra: Record<string, unknown>): number | undefined {
  return typeof extra.maxNames === 'number' ? extra.maxNames : undefined;
}
