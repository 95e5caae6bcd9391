import type { ScenarioConfig } from '../config/load-models.js';
import type { RunConfig } from '../config/resolve.js';
import type { Segment } from '../config/segment.js';
import { waitUntil } from './start-at.js';
import { UserError } from '../errors.js';
import type { UserClassInfo } from '../pool/protocol.js';
import { fixedCountWarning } from './class-mix-check.js';
import { checkSomeUserRuns } from './empty-plan.js';
import { checkHostReachable } from './host-check.js';
import { checkMachineLimits } from './machine-limits.js';
import { checkSegmentPlan } from './sizing.js';

/**
 * The gates a run passes before its load: checks of the plan, the classes
 * each scenario runs, the side services and hosts, and the waits (--start-at,
 * --paused). Each either lets the run on or throws a UserError naming the fix.
 */

/** Something the run needs started beside it (the mock LLM server for host 'mock'). */
export interface SideService {
  url: string;
  close(): Promise<void>;
}

/** Checks of the plan before any worker starts: the segment, the machine's limits, some user runs. */
export function checkPlan(cfg: RunConfig, scenarios: ScenarioConfig[], segment: Segment | undefined): void {
  checkSegmentPlan(scenarios, segment);
  checkMachineLimits(cfg, scenarios, segment);
  checkSomeUserRuns(scenarios);
}

/**
 * The classes a scenario runs: its userClasses, or all (a UserError names
 * unknown ones), less those its tag filter leaves with no task (warned: the
 * scenario's users go to the classes that have some).
 */
export function classesOf(s: ScenarioConfig, classes: UserClassInfo[], warn: (m: string) => void): UserClassInfo[] {
  let chosen = classes;
  if (s.name !== 'default' && s.userClasses?.length) {
    const names = classes.map((c) => c.name);
    const unknown = s.userClasses.filter((n) => !names.includes(n));
    if (unknown.length) throw new UserError(`scenario ${s.name}: no user class named ${unknown.join(', ')}`, `the scenario file has: ${names.join(', ')}`);
    chosen = classes.filter((c) => s.userClasses!.includes(c.name));
  }
  const fixedWarning = fixedCountWarning(s, chosen);
  if (fixedWarning) warn(fixedWarning);
  const idle = chosen.filter((c) => c.noTasksIn?.includes(s.name));
  if (idle.length === 0) return chosen;
  const given = [s.tags?.length ? `--tags ${s.tags.join(',')}` : '', s.excludeTags?.length ? `--exclude-tags ${s.excludeTags.join(',')}` : ''].filter(Boolean);
  const filter = given.length ? `${given.join(' and ')} leave${given.length === 1 ? 's' : ''}` : 'the tag filter leaves';
  const where = s.name === 'default' ? '' : ` in scenario ${s.name}`;
  warn(`${filter} ${idle.map((c) => c.name).join(', ')} with no task to run${where}: no user of ${idle.length === 1 ? 'it' : 'them'} runs`);
  return chosen.filter((c) => !idle.includes(c));
}

/** Starts the side services the run needs (the mock server for host 'mock'), pushed to `services`; returns the host aliases. */
export async function startServices(
  cfg: RunConfig,
  classes: UserClassInfo[],
  startMock: ((cfg: RunConfig) => Promise<SideService>) | undefined,
  services: SideService[],
): Promise<Record<string, string>> {
  const aliases: Record<string, string> = {};
  const wantsMock = cfg.host === 'mock' || (cfg.host === undefined && classes.some((c) => c.host === 'mock'));
  if (wantsMock) {
    if (!startMock) throw new UserError("host 'mock' needs the built-in mock server, which this build does not include");
    const mock = await startMock(cfg);
    services.push(mock);
    aliases.mock = mock.url;
  }
  return aliases;
}

/** Every host the run sends to answers a connection (unless --skip-host-check). */
export async function checkHosts(cfg: RunConfig, classes: UserClassInfo[], aliases: Record<string, string>): Promise<void> {
  if (cfg.skipHostCheck) return;
  const hosts = new Set<string>();
  if (cfg.host) hosts.add(aliases[cfg.host] ?? cfg.host);
  else for (const c of classes) if (c.host) hosts.add(aliases[c.host] ?? c.host);
  await Promise.all([...hosts].map((h) => checkHostReachable(h)));
}

/** --start-at: waits until the fleet's common start (a stop ends the wait); a start too late is a UserError. */
export async function waitForStartAt(cfg: RunConfig, stopped: Promise<void>, warn: (m: string) => void): Promise<void> {
  const at = cfg.extra.startAt;
  if (!at) return;
  const ac = new AbortController();
  void stopped.then(() => ac.abort());
  await waitUntil(at, {
    signal: ac.signal,
    onWait: (ms, when) => warn(`waiting ${Math.round(ms / 1000)} s until ${when.toISOString()} (--start-at)`),
  });
}

/** --paused: everything is ready; the load starts on SIGUSR1 (or the run is stopped while waiting). */
export async function waitForSignalIfPaused(cfg: RunConfig, stopping: boolean, stopped: Promise<void>, warn: (m: string) => void): Promise<void> {
  if (!cfg.extra.paused || stopping) return;
  // Listen before saying so: without a listener, SIGUSR1 would start Node's inspector instead.
  let onSignal: (() => void) | undefined;
  const signalled = new Promise<void>((r) => process.once('SIGUSR1', (onSignal = r)));
  warn(`paused: workers are ready; start the load with \`kill -USR1 ${process.pid}\``);
  await Promise.race([signalled, stopped]);
  if (onSignal) process.removeListener('SIGUSR1', onSignal);
}
