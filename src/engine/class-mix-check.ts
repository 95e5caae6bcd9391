import type { ScenarioConfig } from '../config/load-models.js';
import { isOpenModel } from './executors/index.js';
import type { UserClassInfo } from '../pool/protocol.js';

/**
 * A warning when the classes' fixedCount add up to more users than the
 * scenario's closed model runs (`fixedCount = 5` with `-u 2`): the fixed
 * classes get what there is, in order, and the weighted ones none.
 */
export function fixedCountWarning(s: ScenarioConfig, classes: readonly UserClassInfo[]): string | undefined {
  if (isOpenModel(s) || s.executor === 'load-shape') return undefined;
  const fixed = classes.filter((c) => c.fixedCount !== undefined && c.fixedCount > 0);
  const asked = fixed.reduce((a, c) => a + c.fixedCount!, 0);
  const users = s.maxUsers;
  if (asked <= users) return undefined;
  const where = s.name === 'default' ? 'the run' : `scenario ${s.name}`;
  const list = fixed.map((c) => `${c.name} ${c.fixedCount}`).join(', ');
  const weighted = classes.length > fixed.length ? ' and the other classes none' : '';
  return `fixedCount asks for ${asked} users (${list}), more than the ${users} users of ${where}: the fixed classes get ${users} in all${weighted}; raise --users or lower fixedCount`;
}
