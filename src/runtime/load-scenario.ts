import { pathToFileURL } from 'node:url';
import { IS_USER, type User } from '../api/user.js';
import { ScenarioError, UserError } from '../errors.js';
import { scenarioExports } from '../util/module-exports.js';
import { enableScenarioSourceMaps } from './task-error.js';

export type UserClass = (new () => User) & typeof User;

export interface LoadedScenario {
  classes: UserClass[];
  setup?: () => unknown;
  teardown?: (data: unknown) => unknown;
  /** The scenario's exported `options`, if any. */
  options?: Record<string, unknown>;
}

/** A user class: inherits from User (by marker, so duplicated module copies still match) and is not an abstract base. */
function isUserClass(x: unknown): x is UserClass {
  if (typeof x !== 'function' || !x.prototype) return false;
  if (Object.prototype.hasOwnProperty.call(x, 'abstract') && (x as { abstract?: boolean }).abstract) return false;
  return (x as unknown as Record<symbol, unknown>)[IS_USER] === true;
}

export async function loadScenario(bundlePath: string, userClasses?: string[]): Promise<LoadedScenario> {
  // A task's exception then names the scenario's .ts file and line, not the bundle's.
  enableScenarioSourceMaps();
  const mod = scenarioExports((await import(pathToFileURL(bundlePath).href)) as Record<string, unknown>);
  let classes = Object.values(mod).filter(isUserClass);
  if (mod.default && isUserClass(mod.default) && !classes.includes(mod.default)) classes.push(mod.default);
  if (classes.length === 0) {
    throw new ScenarioError(
      'no user class found in the scenario',
      "export a class that extends User, HttpUser or LLMUser, e.g. `export class Visitor extends HttpUser { @task() async home() { await this.client.get('/'); } }`",
    );
  }
  if (userClasses?.length) {
    const names = classes.map((c) => c.name);
    const unknown = userClasses.filter((n) => !names.includes(n));
    if (unknown.length) throw new UserError(`--user-classes: no user class named ${unknown.join(', ')}`, `the scenario has: ${names.join(', ')}`);
    classes = classes.filter((c) => userClasses.includes(c.name));
  }
  return {
    classes,
    setup: typeof mod.setup === 'function' ? (mod.setup as () => unknown) : undefined,
    teardown: typeof mod.teardown === 'function' ? (mod.teardown as (d: unknown) => unknown) : undefined,
    options: typeof mod.options === 'object' && mod.options !== null ? (mod.options as Record<string, unknown>) : undefined,
  };
}
