import { ScenarioError } from '../errors.js';

const WAIT_HINT = 'waitTime is a function of seconds: use between(0.5, 2), constant(1) or constantPacing(2) from volley';

/** Why a `waitTime` field is unusable (`waitTime = 0.5`), or undefined when it is a function or unset. */
export function waitTimeFieldProblem(owner: string, value: unknown): ScenarioError | undefined {
  if (value === undefined || typeof value === 'function') return undefined;
  const example = typeof value === 'number' && value >= 0 ? `waitTime = constant(${value})` : 'waitTime = between(0.5, 2)';
  return new ScenarioError(`${owner}: waitTime must be a function, got ${describe(value)}`, `${WAIT_HINT}, e.g. ${example}`);
}

/**
 * Why a wait time function's result cannot be slept (NaN, negative, a Promise,
 * not a number), or undefined for a number of seconds >= 0 (Infinity: wait until the run stops).
 */
export function waitSecondsProblem(owner: string, seconds: unknown): ScenarioError | undefined {
  if (typeof seconds === 'number' && seconds >= 0) return undefined;
  const thenable = typeof seconds === 'object' && seconds !== null && typeof (seconds as { then?: unknown }).then === 'function';
  // An async wait time's rejection would otherwise be unhandled and end the worker.
  if (thenable) (seconds as PromiseLike<unknown>).then(undefined, () => undefined);
  const what = thenable ? 'a Promise' : describe(seconds);
  return new ScenarioError(`${owner}: waitTime returned ${what}; it must return a number of seconds >= 0`, `${WAIT_HINT}; a wait time function must not be async`);
}

/** A wait time function that threw, as the run's error. */
export function waitTimeThrew(owner: string, err: unknown): ScenarioError {
  return new ScenarioError(`${owner}: waitTime threw: ${err instanceof Error ? err.message : String(err)}`, 'fix the wait time function: it runs after every task');
}

function describe(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return String(v);
  return Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}
