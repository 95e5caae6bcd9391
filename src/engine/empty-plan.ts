import { UserError } from '../errors.js';
import type { ScenarioConfig } from '../config/load-models.js';

/**
 * A run whose load models start no user at all (`-u 0`, or stages that never
 * leave 0 users) would wait out its duration sending nothing and exit 0: a
 * user error instead. Checked once LoadShapes are applied (a shape drives the
 * users whatever -u says), before any worker starts.
 */
export function checkSomeUserRuns(scenarios: readonly ScenarioConfig[]): void {
  const idle = (s: ScenarioConfig) => (s.executor === 'constant-users' || s.executor === 'ramping-users') && s.users === 0;
  if (scenarios.length === 0 || !scenarios.every(idle)) return;
  const s = scenarios[0]!;
  if (scenarios.length > 1) {
    throw new UserError(`every scenario has 0 users (${scenarios.map((x) => x.name).join(', ')}): the run would send nothing`, 'give at least one scenario users, e.g. `users: 10`');
  }
  if (s.executor === 'ramping-users') {
    throw new UserError('stages: every stage has 0 users: the run would send nothing', "give a stage some users, e.g. --stages 30s:10,1m:10,30s:0");
  }
  throw new UserError('-u/--users 0: a run with no users sends nothing', 'give at least one user, e.g. -u 10 (or `users` in the options)');
}
