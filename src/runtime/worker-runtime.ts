import { Agent } from 'undici';
import { installRuntimeHooks } from '../api/hooks.js';
import { MetricsRecorder } from '../metrics/recorder.js';
import type { WorkerOptions } from '../pool/protocol.js';
import type { UserClass } from './load-scenario.js';
import { VirtualUser, type ClientAttacher } from './virtual-user.js';
import type { TagFilter } from './tasks.js';

/**
 * Everything one worker thread shares among its users: the recorder, the one
 * keep-alive dispatcher, the iteration budget, and the users by class.
 */
export class WorkerRuntime {
  readonly recorder = new MetricsRecorder();
  readonly dispatcher: Agent;
  readonly hardStop = new AbortController();
  readonly filter: TagFilter;
  setupData: unknown;
  stopping = false;
  private iterationsLeft: number;
  private inFlight = 0;
  private readonly users = new Map<string, VirtualUser[]>();
  private nextLocalId = 0;
  onExhausted?: () => void;

  constructor(
    readonly options: WorkerOptions,
    readonly workerIndex: number,
    readonly workerCount: number,
    private readonly classes: Map<string, UserClass>,
    private readonly attachers: ClientAttacher[],
  ) {
    // Explicit pool settings so behaviour does not shift with undici's defaults:
    // one connection per concurrent user at most, no pipelining, HTTP/1.1.
    this.dispatcher = new Agent({
      connections: Math.max(1, options.maxUsers),
      pipelining: 1,
      allowH2: false,
      keepAliveTimeout: 30_000,
      connect: { timeout: 10_000 },
    });
    this.iterationsLeft = options.iterations ?? Infinity;
    this.filter = { tags: options.tags, excludeTags: options.excludeTags };
    const rec = this.recorder;
    installRuntimeHooks({
      recordCustom: (r) =>
        rec.recordRequest({
          method: r.type,
          name: r.name,
          durationMs: r.durationMs,
          bytes: r.bytes ?? 0,
          error: r.error === undefined ? undefined : r.error instanceof Error ? r.error.message : String(r.error),
        }),
      recordCheck: (n, p) => rec.recordCheck(n, p),
      recordTrend: (n, v) => rec.recordTrend(n, v),
      addCounter: (n, v) => rec.add(n, v),
    });
  }

  resolveHost(userHost: string | undefined): string | undefined {
    const h = this.options.host ?? userHost;
    if (h === undefined) return undefined;
    return this.options.hostAliases[h] ?? h;
  }

  /** Claims one task run from the budget; false when --iterations is used up. */
  takeIteration(): boolean {
    if (this.stopping || this.iterationsLeft <= 0) return false;
    this.iterationsLeft--;
    this.inFlight++;
    return true;
  }

  finishIteration(): void {
    this.inFlight--;
    if (this.iterationsLeft <= 0 && this.inFlight === 0) this.onExhausted?.();
  }

  get userCount(): number {
    let n = 0;
    for (const list of this.users.values()) n += list.length;
    return n;
  }

  /** Starts or stops users so each class has the given count; the newest stop first. */
  setUsers(counts: Record<string, number>): void {
    if (this.stopping) return;
    for (const [name, target] of Object.entries(counts)) {
      const cls = this.classes.get(name);
      if (!cls) continue;
      const list = this.users.get(name) ?? [];
      this.users.set(name, list);
      while (list.length < target) {
        const id = this.workerIndex + this.workerCount * this.nextLocalId++;
        const vu = new VirtualUser(cls, id, this, this.attachers);
        list.push(vu);
        void vu.done.then(() => {
          const i = list.indexOf(vu);
          if (i !== -1) list.splice(i, 1);
        });
      }
      while (list.length > target) list.pop()!.stop();
    }
  }

  /** Stops every user: no new tasks; in-flight requests get graceMs, then are aborted. */
  async stopAll(graceMs: number): Promise<void> {
    this.stopping = true;
    const all = [...this.users.values()].flat();
    for (const u of all) u.stop();
    const settled = Promise.allSettled(all.map((u) => u.done));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), graceMs)));
    const outcome = await Promise.race([settled, grace]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.hardStop.abort();
      // Destroying the agent fails every in-flight request at once; the clients
      // see hardStop aborted and record those requests as aborted.
      await this.dispatcher.destroy().catch(() => undefined);
      await Promise.race([settled, new Promise((r) => setTimeout(r, 2000))]);
    } else {
      await this.dispatcher.close().catch(() => undefined);
    }
  }
}
