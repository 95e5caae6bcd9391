import type { ThresholdSpec } from '../../api/options.js';
import { buildLiveSnapshot, historyRow } from '../../metrics/snapshot-builder.js';
import { MetricsAggregate } from '../../metrics/aggregate.js';
import { NameWatch } from '../../metrics/name-watch.js';
import type { LiveSnapshot, WorkerHealth } from '../../metrics/live-snapshot.js';
import type { HistoryRow, RunSummary } from '../../metrics/summary-types.js';
import { packageVersion } from '../../util/package-root.js';
import { summaryFromAggregate } from '../merge/aggregate-io.js';
import type { InstanceMessage } from './protocol.js';

/** What the watcher knows of one instance. */
export interface FleetInstance {
  id: string;
  label: string;
  lastSeq: number;
  /** When the watcher last heard from it (its own clock, ms). */
  lastSeenAt: number;
  state: 'live' | 'lost' | 'ended';
  users: number;
  targetUsers: number;
  workers: number;
  elapsedMs: number;
  durationMs?: number;
  stage?: string;
  health: WorkerHealth[];
  requests: number;
  /** Messages that never arrived (the instance's buffer overflowed, or the stream was trimmed). */
  missing: number;
  stopReason?: string;
  exitCode?: number;
}

export type FleetEvent =
  | { kind: 'joined' | 'lost' | 'back' | 'ended'; instance: FleetInstance; silentMs?: number }
  | { kind: 'gap'; instance: FleetInstance; missing: number };

/**
 * The merged state of a fleet, fed the messages of the stream in any order of
 * instances. Exact: interval histograms are added, never averaged. A message
 * whose sequence number was already seen for its instance (resent after a
 * reconnect) is ignored, so nothing counts twice.
 */
export class FleetState {
  readonly total = new MetricsAggregate();
  private interval = new MetricsAggregate();
  /** The names warning (ids in URLs) for the fleet's merged names, as a single run has it. */
  private readonly names = new NameWatch();
  readonly instances = new Map<string, FleetInstance>();
  readonly history: HistoryRow[] = [];
  duplicates = 0;
  scenario = '';
  thresholds: ThresholdSpec[] = [];
  hasSlo = false;
  startTime?: string;
  private pending: FleetEvent[] = [];
  private firstSeenAt?: number;
  private lastTickAt?: number;

  constructor(private readonly lostAfterMs = 5000) {}

  /** Applies one message; false when it was a duplicate and was ignored. */
  apply(m: InstanceMessage, nowMs: number): boolean {
    let inst = this.instances.get(m.instance);
    if (!inst) {
      inst = { id: m.instance, label: m.label, lastSeq: 0, lastSeenAt: nowMs, state: 'live', users: 0, targetUsers: 0, workers: 0, elapsedMs: 0, health: [], requests: 0, missing: 0 };
      this.instances.set(m.instance, inst);
      this.firstSeenAt ??= nowMs;
      this.pending.push({ kind: 'joined', instance: inst });
    }
    if (m.seq <= inst.lastSeq) {
      this.duplicates++;
      return false;
    }
    if (m.seq > inst.lastSeq + 1) {
      const missing = m.seq - inst.lastSeq - 1;
      inst.missing += missing;
      this.pending.push({ kind: 'gap', instance: inst, missing });
    }
    inst.lastSeq = m.seq;
    inst.lastSeenAt = nowMs;
    if (inst.state === 'lost') this.pending.push({ kind: 'back', instance: inst });
    if (inst.state !== 'ended') inst.state = 'live';
    switch (m.type) {
      case 'start':
        this.scenario ||= m.scenario;
        if (!this.thresholds.length) this.thresholds = m.thresholds;
        this.hasSlo ||= m.hasSlo;
        if (!this.startTime || m.startTime < this.startTime) this.startTime = m.startTime;
        inst.users = 0;
        inst.targetUsers = m.users;
        inst.workers = m.workers;
        inst.durationMs = m.durationMs;
        break;
      case 'interval': {
        const a = new MetricsAggregate();
        a.addDelta(m.delta);
        this.total.addAggregate(a);
        this.interval.addAggregate(a);
        inst.requests += a.requestCount();
        inst.users = m.users;
        inst.targetUsers = m.targetUsers;
        inst.workers = m.workers;
        inst.elapsedMs = m.elapsedMs;
        inst.durationMs = m.durationMs ?? inst.durationMs;
        inst.stage = m.stage;
        inst.health = m.health;
        break;
      }
      case 'end':
        inst.state = 'ended';
        inst.users = 0;
        inst.stopReason = m.stopReason;
        inst.exitCode = m.exitCode;
        this.pending.push({ kind: 'ended', instance: inst });
        break;
    }
    return true;
  }

  /** Marks silent instances lost and returns (and forgets) what happened since the last call. */
  events(nowMs: number): FleetEvent[] {
    for (const inst of this.instances.values()) {
      if (inst.state === 'live' && nowMs - inst.lastSeenAt > this.lostAfterMs) {
        inst.state = 'lost';
        this.pending.push({ kind: 'lost', instance: inst, silentMs: nowMs - inst.lastSeenAt });
      }
    }
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** True once every instance seen has ended or is lost. */
  get settled(): boolean {
    return this.instances.size > 0 && [...this.instances.values()].every((i) => i.state !== 'live');
  }

  /** The fleet's live view: built like one machine's, from the merged metrics. */
  snapshot(nowMs: number): LiveSnapshot {
    const intervalSec = Math.max(0.001, (nowMs - (this.lastTickAt ?? this.firstSeenAt ?? nowMs - 1000)) / 1000);
    this.lastTickAt = nowMs;
    const interval = this.interval;
    this.interval = new MetricsAggregate();
    const list = [...this.instances.values()];
    const live = list.filter((i) => i.state === 'live');
    const health: WorkerHealth[] = [];
    for (const inst of live) for (const h of inst.health) health.push({ ...h, index: health.length });
    const elapsedMs = Math.max(0, ...list.map((i) => i.elapsedMs));
    const snap = buildLiveSnapshot(this.total, interval, {
      scenario: this.scenario,
      elapsedMs,
      durationMs: Math.max(0, ...list.map((i) => i.durationMs ?? 0)) || undefined,
      users: live.reduce((a, i) => a + i.users, 0),
      targetUsers: list.reduce((a, i) => a + i.targetUsers, 0),
      workers: list.reduce((a, i) => a + i.workers, 0),
      stage: this.describe(),
      health,
      intervalSec,
      hasSlo: this.hasSlo,
    });
    snap.names = this.names.update(this.total);
    this.history.push(historyRow(snap, interval));
    return snap;
  }

  /** One line on the fleet, shown where a single run shows its stage. */
  describe(): string {
    const list = [...this.instances.values()];
    const count = (s: FleetInstance['state']) => list.filter((i) => i.state === s);
    const lost = count('lost');
    const ended = count('ended');
    const stages = [...new Set(list.filter((i) => i.state === 'live' && i.stage).map((i) => i.stage!))];
    return [
      `fleet ${count('live').length}/${list.length} live`,
      lost.length ? `lost: ${lost.map((i) => i.label).join(', ')}` : '',
      ended.length ? `${ended.length} done` : '',
      stages.length === 1 ? stages[0]! : '',
    ]
      .filter(Boolean)
      .join(', ');
  }

  /** The fleet's summary as far as the stream tells it (bench merge of the summaries is the exact record). */
  summary(nowMs: number): RunSummary {
    const list = [...this.instances.values()];
    const durationMs = Math.round(Math.max(0, ...list.map((i) => i.elapsedMs)));
    const stopped = list.map((i) => (i.state === 'lost' ? 'lost' : i.stopReason ?? 'unknown'));
    const reasons = [...new Set(stopped)];
    return summaryFromAggregate(this.total, {
      meta: {
        tool: 'volley',
        toolVersion: packageVersion(),
        scenario: this.scenario,
        startTime: this.startTime ?? new Date(this.firstSeenAt ?? nowMs).toISOString(),
        endTime: new Date(nowMs).toISOString(),
        durationMs,
        workers: list.reduce((a, i) => a + i.workers, 0),
        users: list.reduce((a, i) => a + i.targetUsers, 0),
        options: { thresholds: this.thresholds },
        interrupted: list.some((i) => i.state === 'lost'),
        stopReason: reasons.length === 1 ? reasons[0]! : reasons.map((r) => `${r} ×${stopped.filter((s) => s === r).length}`).join(', '),
      },
      hasSlo: this.hasSlo,
      history: this.history,
    });
  }
}
