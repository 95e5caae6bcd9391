import type { AsyncLocalStorage } from 'node:async_hooks';
import type { Dispatcher } from 'undici';
import type { SocketPool } from '../clients/wire/socket-pool.js';
import { MetricsRecorder } from '../metrics/recorder.js';
import { ARRIVALS_STARTED } from '../metrics/live-figures.js';
import type { WorkerOptions, WorkerScenario } from '../pool/protocol.js';
import type { StageBudget } from '../pool/stage-budget.js';
import { ArrivalTimer } from './arrival-timer.js';
import type { UserClass } from './load-scenario.js';
import type { TagFilter } from './tasks.js';
import type { Heartbeat } from './heartbeat.js';
import { VirtualUser, type ClientAttacher, type UserHost, type UserMode } from './virtual-user.js';

/** What a group needs from the worker that holds it. */
export interface GroupOwner {
  readonly options: WorkerOptions;
  readonly dispatcher: Dispatcher;
  readonly sockets: SocketPool;
  readonly hardStop: AbortController;
  readonly setupData: unknown;
  readonly stopping: boolean;
  /** A sweep stage's request cap (absent: none). */
  readonly stageBudget?: StageBudget;
  resolveHost(userHost: string | undefined): string | undefined;
  /** A run-wide unique user id. */
  nextUserId(): number;
  /** Present when custom measurements are routed per user (several scenarios, or open models). */
  readonly userStore?: AsyncLocalStorage<{ recorder?: MetricsRecorder }>;
  onExhausted(scenario: string): void;
  onRetired(scenario: string, users: number): void;
  /** A closed-model scenario has no user left here, after `seen` user counts. */
  onIdle(scenario: string, seen: number): void;
  onFatal(err: unknown): void;
  /** A warning for the user, sent once per worker for each `key`. */
  warnOnce(key: string, message: string): void;
  readonly heartbeat?: Heartbeat;
  /** A user's onStart or onStop did not settle in time. */
  hookTimedOut(what: string, afterMs: number): void;
  /** True once the run's planned end (-t) has passed: no task starts after it, whatever the stop message's delay. */
  pastEnd(): boolean;
}

/** Users a worker starts per turn of its event loop; between batches its timers (snapshots) run. */
export const START_BATCH = 2000;

/** Counter of arrivals that found no free user (k6's name). */
export const DROPPED_ITERATIONS = 'dropped_iterations';

/**
 * One scenario's users on one worker: their classes, recorder, iteration
 * budget, and either user counts set by the engine (closed models) or a pool
 * of users that take arrivals (open models).
 */
export class UserGroup implements UserHost {
  readonly filter: TagFilter;
  stoppingGroup = false;
  private iterationsLeft: number;
  private inFlight = 0;
  /** Open models: arrivals handed to a user that has not started their task yet (a new user may still be in onStart). */
  private assignedNotStarted = 0;
  private exhaustedSent = false;
  /** Every user started and not yet done, stopping ones included. */
  private readonly live = new Set<VirtualUser>();
  /** Closed models: the running users by class (stopping ones are taken out). */
  private readonly users = new Map<string, VirtualUser[]>();
  private readonly retiredByClass = new Map<string, number>();
  /** Closed models: users of each class that ended themselves, so a later count does not replace them. */
  private readonly endedByClass = new Map<string, number>();
  private retired = 0;
  // Open model
  private readonly free: VirtualUser[] = [];
  private openUsers = 0;
  private timer?: ArrivalTimer;
  private arrivalsEnded = false;
  private openClassSeq = 0;
  private openClassOrder?: UserClass[];
  /** Closed models: user counts received so far, echoed in 'idle' so the engine knows which counts it answers. */
  private countsSeen = 0;
  /** Closed models: the counts asked for last, applied in batches (applyCounts). */
  private latestCounts: Record<string, number> = {};
  private resumeScheduled = false;

  constructor(
    readonly spec: WorkerScenario,
    private readonly owner: GroupOwner,
    readonly recorder: MetricsRecorder,
    private readonly classes: Map<string, UserClass>,
    private readonly attachers: ClientAttacher[],
  ) {
    this.iterationsLeft = spec.iterations ?? Infinity;
    this.filter = { tags: spec.tags, excludeTags: spec.excludeTags };
    // One mode per group, shared by its users: its functions take the user, so no user needs closures of its own.
    this.closedMode = {
      iterations: spec.iterationsPerUser,
      correctCoordinatedOmission: spec.correctCoordinatedOmission,
      onRetired: (vu) => this.retire(vu),
      onEnded: (vu) => this.closedUserEnded(vu),
    };
    this.openMode = { onFree: (u) => this.free.push(u), onEnded: (vu) => this.openUserEnded(vu) };
  }

  private readonly closedMode: UserMode;
  private readonly openMode: UserMode;

  get options(): WorkerOptions {
    return this.owner.options;
  }
  get dispatcher(): Dispatcher {
    return this.owner.dispatcher;
  }

  get sockets(): SocketPool {
    return this.owner.sockets;
  }
  get hardStop(): AbortSignal {
    return this.owner.hardStop.signal;
  }
  get setupData(): unknown {
    return this.owner.setupData;
  }
  get stopping(): boolean {
    return this.stoppingGroup || this.owner.stopping;
  }
  resolveHost(userHost: string | undefined): string | undefined {
    return this.owner.resolveHost(userHost);
  }
  fatal(err: unknown): void {
    this.owner.onFatal(err);
  }
  warnOnce(key: string, message: string): void {
    this.owner.warnOnce(key, message);
  }

  stageTurn(): boolean {
    return this.owner.stageBudget?.tryStartTask() ?? true;
  }
  get heartbeat(): Heartbeat | undefined {
    return this.owner.heartbeat;
  }
  hookTimedOut(what: string, afterMs: number): void {
    this.owner.hookTimedOut(what, afterMs);
  }

  takeIteration(): boolean {
    if (this.assignedNotStarted > 0) this.assignedNotStarted--;
    if (this.stopping || this.iterationsLeft <= 0 || this.owner.pastEnd()) return false;
    this.iterationsLeft--;
    this.inFlight++;
    return true;
  }

  finishIteration(): void {
    this.inFlight--;
    this.checkExhausted();
  }

  /** The load begins: a worker whose share of the iterations is 0 has nothing to run. */
  begin(): void {
    this.checkExhausted();
  }

  private checkExhausted(): void {
    // An arrival already handed out but not yet started counts as in flight: the last ones of a schedule are not cut off.
    if (this.exhaustedSent || this.inFlight > 0 || this.assignedNotStarted > 0) return;
    if (this.iterationsLeft <= 0 || this.arrivalsEnded) {
      this.exhaustedSent = true;
      this.owner.onExhausted(this.spec.name);
    }
  }

  get userCount(): number {
    let n = this.openUsers;
    for (const list of this.users.values()) n += list.length;
    return n;
  }

  /** Every user of the group still running, those on their way out included, for stopping and waiting. */
  allUsers(): VirtualUser[] {
    return [...this.live];
  }

  private createUser(cls: UserClass, mode: UserMode): VirtualUser {
    const store = this.owner.userStore;
    const id = this.owner.nextUserId();
    let vu: VirtualUser;
    if (!store) vu = new VirtualUser(cls, id, this, this.attachers, mode);
    else {
      const slot: { recorder?: MetricsRecorder } = { recorder: this.recorder };
      vu = store.run(slot, () => new VirtualUser(cls, id, this, this.attachers, { ...mode, recorderSlot: slot }));
    }
    this.live.add(vu);
    return vu;
  }

  /** Every user's end, before the model's own bookkeeping (the user calls its mode's onEnded). */
  private forget(vu: VirtualUser): void {
    this.live.delete(vu);
    this.reportIfIdle();
  }

  /** Closed models: the user ran its iterationsPerUser. */
  private retire(vu: VirtualUser): void {
    const name = vu.cls.name;
    this.retiredByClass.set(name, (this.retiredByClass.get(name) ?? 0) + 1);
    this.retired++;
    this.owner.onRetired(this.spec.name, this.retired);
    // Removed at once, so a later count does not start a replacement.
    const list = this.users.get(name);
    const i = list?.indexOf(vu) ?? -1;
    if (i !== -1) list!.splice(i, 1);
  }

  private closedUserEnded(vu: VirtualUser): void {
    this.forget(vu);
    const name = vu.cls.name;
    const list = this.users.get(name);
    const i = list?.indexOf(vu) ?? -1;
    if (i !== -1) list!.splice(i, 1);
    // Ended by itself (StopUser, a constructor that threw), not by a ramp-down or the stop: not replaced, as in Locust.
    if (!vu.retired && !vu.stopRequested && !this.stopping) this.endedByClass.set(name, (this.endedByClass.get(name) ?? 0) + 1);
  }

  /** Closed models: tells the engine when no user is left, so a run whose users all stopped can end. */
  private reportIfIdle(): void {
    if (this.spec.model === 'closed' && this.live.size === 0 && !this.stopping) this.owner.onIdle(this.spec.name, this.countsSeen);
  }

  /** Closed models: starts or stops users so each class has the given count; the newest stop first. */
  setUsers(counts: Record<string, number>): void {
    this.countsSeen++;
    this.latestCounts = counts;
    this.applyCounts();
  }

  /**
   * Applies the latest counts, starting at most START_BATCH users per turn of
   * the event loop: 100,000 users started in one go held the worker for 15 s
   * with no snapshot, so nothing showed the start's progress. A later count
   * replaces the rest of an earlier one.
   */
  private applyCounts(): void {
    if (this.stopping || this.resumeScheduled) return;
    const counts = this.latestCounts;
    let budget = START_BATCH;
    for (const [name, target] of Object.entries(counts)) {
      const cls = this.classes.get(name);
      if (!cls) continue;
      const list = this.users.get(name) ?? [];
      this.users.set(name, list);
      const retired = () => this.retiredByClass.get(name) ?? 0;
      // Users that ended themselves keep their place until the class's count drops to 0: they are not replaced.
      if (target === 0) this.endedByClass.delete(name);
      const gone = () => retired() + (this.endedByClass.get(name) ?? 0);
      while (list.length + gone() < target) {
        if (budget-- === 0) {
          this.resumeScheduled = true;
          setImmediate(() => {
            this.resumeScheduled = false;
            this.applyCounts();
          });
          return;
        }
        list.push(this.createUser(cls, this.closedMode));
      }
      while (list.length > 0 && list.length + gone() > target) list.pop()!.stop();
    }
    this.reportIfIdle();
  }

  /** Open models: queues arrivals for the timer; the first call starts the pre-allocated users. */
  arrivals(originMs: number, offsetsMs: Float64Array, end: boolean, indices?: Uint32Array): void {
    if (this.stopping) return;
    if (!this.timer) {
      this.timer = new ArrivalTimer(
        (t, index) => this.arrive(t, index),
        () => {
          this.arrivalsEnded = true;
          this.checkExhausted();
        },
      );
      for (let i = 0; i < (this.spec.preAllocatedUsers ?? 0); i++) this.addOpenUser();
    }
    this.timer.push(originMs, offsetsMs, end, indices);
  }

  /** One arrival: a free user runs one task, else a new user if the cap allows, else it is dropped. */
  private arrive(intendedMs: number, traceIndex?: number): void {
    if (this.stopping) return;
    let user = this.free.pop();
    if (!user && this.openUsers < (this.spec.maxUsers ?? Infinity)) user = this.addOpenUser(false);
    if (user) {
      this.assignedNotStarted++;
      user.assign(intendedMs, traceIndex);
      this.recorder.add(ARRIVALS_STARTED, 1);
    } else this.recorder.add(DROPPED_ITERATIONS, 1);
  }

  /** Open-model users take the scenario's classes in turn by weight, as the engine's class mix does for closed ones. */
  private addOpenUser(free = true): VirtualUser | undefined {
    const cls = this.pickOpenClass();
    if (!cls) return undefined;
    this.openUsers++;
    const vu = this.createUser(cls, this.openMode);
    if (free) this.free.push(vu);
    return vu;
  }

  private openUserEnded(vu: VirtualUser): void {
    this.forget(vu);
    this.openUsers--;
    // Its arrival never started a task: no longer in flight.
    if (vu.hasPendingArrival && this.assignedNotStarted > 0) {
      this.assignedNotStarted--;
      this.checkExhausted();
    }
    const i = this.free.indexOf(vu);
    if (i !== -1) this.free.splice(i, 1);
  }

  private pickOpenClass(): UserClass | undefined {
    if (!this.openClassOrder) this.openClassOrder = weightedOrder([...this.classes.values()]);
    const order = this.openClassOrder;
    return order.length ? order[this.openClassSeq++ % order.length] : undefined;
  }

  /** No new tasks; users stop after their current one. */
  stop(): void {
    this.stoppingGroup = true;
    this.timer?.stop();
    for (const u of this.allUsers()) u.stop();
  }
}

/** Classes repeated by weight and interleaved (2:1 → A, B, A), for picking open-model users in turn. */
function weightedOrder(classes: UserClass[]): UserClass[] {
  const weights = classes.map((c) => (c.fixedCount !== undefined ? 0 : Math.max(0, Math.round((c.weight ?? 1) * 100) / 100)));
  const usable = classes.filter((_, i) => weights[i]! > 0);
  if (usable.length <= 1) return usable.length ? usable : classes.slice(0, 1);
  // Smooth weighted round robin over one cycle of (scaled) weights, at most 100 entries.
  const w = classes.map((_, i) => weights[i]!).filter((x) => x > 0);
  const scale = 100 / w.reduce((a, b) => a + b, 0);
  const counts = w.map((x) => Math.max(1, Math.round(x * scale)));
  const total = counts.reduce((a, b) => a + b, 0);
  const current = counts.map(() => 0);
  const out: UserClass[] = [];
  for (let k = 0; k < total; k++) {
    let best = 0;
    for (let i = 0; i < counts.length; i++) {
      current[i]! += counts[i]!;
      if (current[i]! > current[best]!) best = i;
    }
    current[best]! -= total;
    out.push(usable[best]!);
  }
  return out;
}
