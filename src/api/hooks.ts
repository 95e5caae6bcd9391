import type { CustomRequest } from './types.js';

/**
 * The public API imports nothing from the engine: the worker runtime installs
 * these hooks when it starts, and the API functions call through them. The hooks
 * live on globalThis so that a scenario bundle and the runtime agree even if they
 * were given different copies of this module.
 */
export interface RuntimeHooks {
  recordCustom(req: CustomRequest): void;
  recordCheck(name: string, passed: boolean): void;
  recordTrend(name: string, value: number): void;
  addCounter(name: string, n: number): void;
}

const KEY = Symbol.for('volley.runtimeHooks');

export function installRuntimeHooks(hooks: RuntimeHooks): void {
  (globalThis as Record<symbol, unknown>)[KEY] = hooks;
}

export function runtimeHooks(): RuntimeHooks | undefined {
  return (globalThis as Record<symbol, RuntimeHooks | undefined>)[KEY];
}
