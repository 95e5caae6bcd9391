import { describe, expect, it } from 'vitest';
import { EXECUTOR_NAMES, EXECUTOR_SPECS, executorSpec, isOpenExecutor, takesKey } from '../../../src/config/executors/index.js';
import { resolveConfig } from '../../../src/config/resolve.js';
import { validateOptions } from '../../../src/config/validate.js';
import { EXECUTORS } from '../../../src/engine/executors/index.js';

const scenarioOf = (entry: Record<string, unknown>) =>
  resolveConfig('s.ts', { cli: {}, scenario: validateOptions('scenario', { scenarios: { s: entry } }), file: {} }).scenarios[0]!;

describe('executors, each in its own file (k6 shape)', () => {
  it('name the same models on the config side and the engine side', () => {
    expect(new Set(EXECUTOR_SPECS.map((e) => e.name))).toEqual(new Set(EXECUTOR_NAMES));
    // The engine-only models that options choose (a sweep, a trace replay) run on the closed or open model's config.
    expect(new Set([...EXECUTORS.keys()].filter((n) => n !== 'sweep' && n !== 'trace-replay'))).toEqual(new Set(EXECUTOR_NAMES));
  });

  it('say whether they are open or closed: only the arrival-rate models are open', () => {
    expect(EXECUTOR_NAMES.filter(isOpenExecutor).sort()).toEqual(['constant-arrival-rate', 'ramping-arrival-rate']);
  });

  it('own their keys: a key of the model is taken, one of another model is a problem naming it', () => {
    expect(takesKey('constant-users', 'spawnRate')).toBe(true);
    expect(takesKey('ramping-arrival-rate', 'spawnRate')).toBe(false);
    expect(takesKey('constant-arrival-rate', 'maxUsers')).toBe(true);
    expect(takesKey('ramping-users', 'maxUsers')).toBe(false);
    expect(() => scenarioOf({ stages: '1s:5', maxUsers: 3 })).toThrow(/maxUsers: only for arrival-rate models/);
  });

  it('fill in their own defaults', () => {
    const open = scenarioOf({ rate: '50/s', duration: '1s' });
    expect(open).toMatchObject({ executor: 'constant-arrival-rate', users: 0, maxUsers: 500, preAllocatedUsers: 5, burstiness: undefined });
    expect(scenarioOf({ rate: '50/s', arrivals: 'poisson' })).toMatchObject({ burstiness: 1 });
    expect(scenarioOf({ stages: '1s:4,1s:7,1s:0' })).toMatchObject({ executor: 'ramping-users', users: 7, maxUsers: 7, preAllocatedUsers: 0 });
    expect(scenarioOf({ users: 3 })).toMatchObject({ executor: 'constant-users', users: 3, maxUsers: 3 });
    expect(scenarioOf({ executor: 'load-shape' })).toMatchObject({ executor: 'load-shape', users: 1 });
  });

  it('give the hint of the model that `executor:` names when the options make another', () => {
    expect(() => scenarioOf({ executor: 'ramping-arrival-rate', users: 2 })).toThrow(executorSpec('ramping-arrival-rate').hint);
  });
});
