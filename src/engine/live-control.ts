import { UserError } from '../errors.js';
import type { RunAction } from '../metrics/summary-types.js';
import { isOpenModel } from './executors/index.js';
import type { ScenarioRunner } from './scenario-runner.js';

/** Models whose users or rate follow their own plan, which live control would fight. */
const SELF_DRIVEN = new Set(['sweep', 'load-shape', 'capacity-search', 'rate-sweep']);

/** The one scenario live control acts on: a run of several is driven by its models. */
function onlyScenario(what: string, runners: ScenarioRunner[]): ScenarioRunner {
  if (runners.length !== 1) {
    throw new UserError(`${what}: the run has ${runners.length} scenarios (${runners.map((r) => r.scenario.name).join(', ')}); live control drives a run of one scenario`, 'run the scenario you want to steer on its own');
  }
  return runners[0]!;
}

/** Checks setUsers(users, spawnRate) against the run's model; returns the scenario it acts on. */
export function checkLiveUsers(runners: ScenarioRunner[], users: number, spawnRate?: number): ScenarioRunner {
  if (!Number.isInteger(users) || users < 0) throw new UserError(`setUsers: users must be a whole number of 0 or more, got ${String(users)}`);
  if (spawnRate !== undefined && !(typeof spawnRate === 'number' && spawnRate > 0)) {
    throw new UserError(`setUsers: spawnRate must be a number of users per second above 0, got ${String(spawnRate)}`, 'leave it out to keep the run\'s spawn rate');
  }
  const r = onlyScenario('setUsers', runners);
  if (isOpenModel(r.scenario)) {
    throw new UserError(`setUsers: the run is an open model (${r.executor.name}): its users follow the arrival rate`, 'change the arrival rate with setRate(ratePerSec)');
  }
  if (SELF_DRIVEN.has(r.executor.name)) throw new UserError(`setUsers: the ${r.executor.name} model sets its own users`, 'steer a run of -u users (constant-users or ramping-users)');
  return r;
}

/** Checks setRate(ratePerSec) against the run's model; returns the scenario it acts on. */
export function checkLiveRate(runners: ScenarioRunner[], ratePerSec: number): ScenarioRunner {
  if (!(typeof ratePerSec === 'number' && Number.isFinite(ratePerSec) && ratePerSec > 0)) {
    throw new UserError(`setRate: ratePerSec must be a number of arrivals per second above 0, got ${String(ratePerSec)}`, 'to end the load, stop the run');
  }
  const r = onlyScenario('setRate', runners);
  if (!isOpenModel(r.scenario)) {
    throw new UserError(`setRate: the run is a closed model (${r.executor.name}): it has users, not an arrival rate`, 'change the users with setUsers(n), or start the run with --rate');
  }
  if (SELF_DRIVEN.has(r.executor.name)) throw new UserError(`setRate: the ${r.executor.name} model sets its own rate`, 'steer a run of --rate (constant-arrival-rate)');
  return r;
}

/** An action as history.csv's Action column writes it: `setUsers 5 @2/s`, `setRate 50/s`, `resetStats`, `stop`. */
export function describeAction(a: RunAction): string {
  switch (a.action) {
    case 'setUsers':
      return `setUsers ${a.users}${a.spawnRate !== undefined ? ` @${a.spawnRate}/s` : ''}`;
    case 'setRate':
      return `setRate ${a.ratePerSec}/s`;
    default:
      return a.action;
  }
}
