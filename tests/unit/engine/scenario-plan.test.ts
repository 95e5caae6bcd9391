import { describe, expect, it } from 'vitest';
import type { ScenarioConfig } from '../../../src/config/load-models.js';
import { iterationShare, workerScenario } from '../../../src/engine/scenario-runner.js';
import type { RunConfig } from '../../../src/config/resolve.js';

const scenario = (over: Partial<ScenarioConfig>): ScenarioConfig => ({
  name: 'a',
  executor: 'constant-users',
  users: 1,
  spawnRate: Infinity,
  maxUsers: 1,
  preAllocatedUsers: 0,
  startTimeMs: 0,
  correctCoordinatedOmission: false,
  shapeMayDrive: false,
  ...over,
});
const cfg = { tags: ['t'], excludeTags: undefined } as unknown as RunConfig;

describe('shared iterations over workers', () => {
  it('go to the workers that hold the scenario’s users, evenly, and add up', () => {
    // 1 user of scenario #1 on 3 workers: it lives on worker 1, which gets every iteration.
    const one = scenario({ users: 1, maxUsers: 1, iterations: 5 });
    expect([0, 1, 2].map((w) => iterationShare(one, 1, w, 3))).toEqual([0, 5, 0]);
    // 2 users of scenario #0 on 3 workers: workers 0 and 1.
    const two = scenario({ users: 2, maxUsers: 2, iterations: 7 });
    expect([0, 1, 2].map((w) => iterationShare(two, 0, w, 3))).toEqual([4, 3, 0]);
    // Enough users for every worker: splitEvenly over all.
    const many = scenario({ users: 10, maxUsers: 10, iterations: 10 });
    expect([0, 1, 2, 3].map((w) => iterationShare(many, 2, w, 4))).toEqual([2, 2, 3, 3]);
  });

  it('are not split for open models: the arrival schedule stops at the total', () => {
    expect(iterationShare(scenario({ executor: 'constant-arrival-rate', ratePerSec: 5, iterations: 9, maxUsers: 100 }), 0, 0, 2)).toBeUndefined();
    expect(iterationShare(scenario({}), 0, 0, 2)).toBeUndefined();
  });
});

describe('a scenario’s share of a worker', () => {
  it('splits maxUsers and preAllocatedUsers of open models, keeps tags and classes', () => {
    const open = scenario({ name: 'api', executor: 'ramping-arrival-rate', maxUsers: 5, preAllocatedUsers: 3, userClasses: ['C'], excludeTags: ['x'] });
    expect([0, 1].map((w) => workerScenario(open, 0, w, 2, true, cfg))).toEqual([
      { name: 'api', model: 'open', userClasses: ['C'], tags: ['t'], excludeTags: ['x'], iterations: undefined, iterationsPerUser: undefined, maxUsers: 3, preAllocatedUsers: 2, correctCoordinatedOmission: false, separateStats: true },
      { name: 'api', model: 'open', userClasses: ['C'], tags: ['t'], excludeTags: ['x'], iterations: undefined, iterationsPerUser: undefined, maxUsers: 2, preAllocatedUsers: 1, correctCoordinatedOmission: false, separateStats: true },
    ]);
  });

  it('leaves the class filter of the default scenario to the worker’s --user-classes', () => {
    const d = workerScenario(scenario({ name: 'default', userClasses: ['A'], iterationsPerUser: 2 }), 0, 0, 1, false, cfg);
    expect(d).toMatchObject({ name: 'default', model: 'closed', userClasses: undefined, iterationsPerUser: 2, separateStats: false });
  });
});
