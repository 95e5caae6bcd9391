import { describe, expect, it } from 'vitest';
import { defaultMaxUsers, defaultPreAllocatedUsers } from '../../../src/config/load-models.js';
import { parseRatePerSec } from '../../../src/config/rate.js';
import { resolveConfig } from '../../../src/config/resolve.js';
import { validateOptions } from '../../../src/config/validate.js';
import { ConfigError } from '../../../src/errors.js';

const resolveFrom = (cli: Record<string, unknown>, scenario: Record<string, unknown> = {}, file: Record<string, unknown> = {}) =>
  resolveConfig('s.ts', {
    cli: validateOptions('command line', cli),
    scenario: validateOptions('scenario', scenario),
    file: validateOptions('config file', file),
  });

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('rates', () => {
  it.each([
    ['50/s', 50],
    ['3000/m', 50],
    ['7200/h', 2],
    ['1/2s', 0.5],
    ['10/100ms', 100],
    [' 5 / s ', 5],
    ['20', 20],
    [12.5, 12.5],
    ['0/s', 0],
  ])('%j is %d per second', (text, perSec) => {
    expect(parseRatePerSec(text)).toBeCloseTo(perSec, 9);
  });

  it.each(['fast', '50/x', '/s', '-5/s', '50/0s', '50 per s'])('%j is not a rate', (text) => {
    expect(parseRatePerSec(text)).toBeUndefined();
  });
});

describe('choosing the load model', () => {
  it('is constant users by default, as before', () => {
    const [s] = resolveFrom({}).scenarios;
    expect(s).toMatchObject({ name: 'default', executor: 'constant-users', users: 1, spawnRate: Infinity, shapeMayDrive: true });
  });

  it('reads stages of users as ramping-users, and their peak as the users', () => {
    const cfg = resolveFrom({}, { stages: [{ duration: '30s', users: 100 }, { duration: '1m', users: 100 }, { duration: '30s', users: 0 }] });
    expect(cfg.scenarios[0]).toMatchObject({
      executor: 'ramping-users',
      users: 100,
      stages: [{ durationMs: 30_000, target: 100 }, { durationMs: 60_000, target: 100 }, { durationMs: 30_000, target: 0 }],
    });
    expect(cfg.users).toBe(100);
  });

  it('reads a rate as constant-arrival-rate with documented defaults for the users', () => {
    const [s] = resolveFrom({ rate: '200/s', duration: '5s' }).scenarios;
    expect(s).toMatchObject({ executor: 'constant-arrival-rate', ratePerSec: 200, maxUsers: 2000, preAllocatedUsers: 20, durationMs: 5000, burstiness: undefined });
    expect(defaultMaxUsers(1)).toBe(100);
    expect(defaultMaxUsers(5000)).toBe(10_000);
    expect(defaultPreAllocatedUsers(0.5, 100)).toBe(1);
  });

  it('reads stages of rates, Poisson arrivals and burstiness', () => {
    const [s] = resolveFrom({ stages: '1m:50/s,30s:0/s', arrivals: 'poisson', maxUsers: 10 }).scenarios;
    expect(s).toMatchObject({ executor: 'ramping-arrival-rate', burstiness: 1, maxUsers: 10, preAllocatedUsers: 5 });
    expect(s!.stages).toEqual([{ durationMs: 60_000, target: 50 }, { durationMs: 30_000, target: 0 }]);
    expect(resolveFrom({ rate: 10, burstiness: 0.5 }).scenarios[0]!.burstiness).toBe(0.5);
  });

  it('parses k6-style stages from the command line', () => {
    const [s] = resolveFrom({ stages: '10s:5, 20s:5, 5s:0' }).scenarios;
    expect(s!.stages).toEqual([{ durationMs: 10_000, target: 5 }, { durationMs: 20_000, target: 5 }, { durationMs: 5_000, target: 0 }]);
  });

  it('takes the model from the highest source that chooses one, as k6 shortcuts replace scenarios', () => {
    // The scenario ramps users; --rate on the command line replaces the whole model.
    const cfg = resolveFrom({ rate: '50/s' }, { stages: [{ duration: '10s', users: 5 }], maxUsers: 30 });
    expect(cfg.scenarios[0]).toMatchObject({ executor: 'constant-arrival-rate', ratePerSec: 50, maxUsers: 30 });
    // And -u replaces a scenario's rate.
    expect(resolveFrom({ users: 4 }, { rate: '10/s' }).scenarios[0]).toMatchObject({ executor: 'constant-users', users: 4 });
  });

  it('has per-user iterations and a shared total', () => {
    expect(resolveFrom({ users: 3, iterationsPerUser: 5 }).scenarios[0]).toMatchObject({ iterationsPerUser: 5 });
    expect(resolveFrom({ users: 3, iterations: 5 }).scenarios[0]).toMatchObject({ iterations: 5 });
  });

  it('resolves several scenarios, each with its model, start time and classes', () => {
    const cfg = resolveFrom(
      { duration: '2m' },
      {
        scenarios: {
          browse: { users: 20, spawnRate: 5, userClasses: ['Shopper'] },
          api: { rate: '100/s', userClasses: 'Client', startTime: '30s', duration: '1m' },
        },
      },
    );
    expect(cfg.scenarios.map((s) => [s.name, s.executor, s.startTimeMs, s.durationMs, s.userClasses])).toEqual([
      ['browse', 'constant-users', 0, undefined, ['Shopper']],
      ['api', 'constant-arrival-rate', 30_000, 60_000, ['Client']],
    ]);
    expect(cfg.durationMs).toBe(120_000);
    expect(cfg.users).toBe(20 + 1000);
  });
});

describe('load model validation lists every problem at once', () => {
  it('rejects contradictory top-level options', () => {
    expect(
      problemsOf(() => resolveFrom({ users: 10, rate: '50/s', spawnRate: 2, iterationsPerUser: 3, correctCoordinatedOmission: true, arrivals: 'uniform', burstiness: 2, maxUsers: 5, preAllocatedUsers: 9 })),
    ).toEqual([
      'users, rate: choose one load model (users: closed, rate: open, stages: a ramp of either, shape: a LoadShape class), got 2',
      'burstiness: needs random arrivals; remove arrivals: \'uniform\' (burstiness alone makes gamma arrivals)',
      'preAllocatedUsers: expected at most maxUsers (5), got 9',
      'spawnRate: only for a constant number of users; constant-arrival-rate sets its own pace',
      'iterationsPerUser: only for a constant number of users (k6\'s per-vu-iterations), not with constant-arrival-rate',
      'correctCoordinatedOmission: open models already measure latency from the intended start; the correction is for closed models with constantPacing/constantThroughput',
    ]);
  });

  it('checks stages: each needs users or rate, not a mix, and a duration', () => {
    expect(
      problemsOf(() =>
        resolveFrom({}, { stages: [{ duration: '10s', users: 5, rate: '5/s' }, { duration: '10s' }, { duration: '5s', users: 1 }, { duration: '5s', rate: 3 }] }),
      ),
    ).toEqual([
      'stages.0: expected either users or rate, got both',
      'stages.1: expected either users or rate, got neither',
      'stages: mixes users and rate stages; a ramp is either closed (users) or open (rate)',
    ]);
    expect(problemsOf(() => resolveFrom({ stages: [] }))).toEqual(["stages: expected at least one stage like { duration: '30s', users: 10 }, got []"]);
    expect(problemsOf(() => resolveFrom({ stages: '0s:5' }))).toEqual(['stages: expected a total duration > 0, got 0s']);
    expect(problemsOf(() => resolveFrom({ stages: '10s:0/s' }))).toEqual(['stages: expected at least one stage with a rate > 0']);
  });

  it('rejects a rate of 0, and open-model options on a closed model', () => {
    expect(problemsOf(() => resolveFrom({ rate: '0/s', maxUsers: 3 }))).toEqual(['rate: expected an arrival rate > 0, got 0/s']);
    expect(problemsOf(() => resolveFrom({ users: 3, maxUsers: 3, burstiness: 1 }))).toEqual([
      'burstiness: only for arrival-rate models (rate, or stages with rate); closed models size themselves with users',
      'maxUsers: only for arrival-rate models (rate, or stages with rate); closed models size themselves with users',
    ]);
  });

  it('names the scenario in every problem and rejects model keys beside scenarios', () => {
    expect(
      problemsOf(() =>
        resolveFrom({}, { rate: '5/s', scenarios: { a: { users: 2, stages: '10s:5' }, b: { executor: 'ramping-users', rate: '5/s', iterations: 3, iterationsPerUser: 2 } } }),
      ),
    ).toEqual([
      'rate: with scenarios, set it inside each scenario (scenarios.<name>.rate)',
      'scenarios.a.users, scenarios.a.stages: choose one load model (users: closed, rate: open, stages: a ramp of either, shape: a LoadShape class), got 2',
      'scenarios.b.executor: the options given make a constant-arrival-rate model, got "ramping-users"; give stages with users, e.g. [{ duration: \'30s\', users: 10 }]',
      "scenarios.b.iterationsPerUser: only for a constant number of users (k6's per-vu-iterations), not with constant-arrival-rate",
      'scenarios.b.iterationsPerUser: not with iterations; choose per-user counts or a shared total',
    ]);
  });

  it('reports malformed values through the options schema, with their path', () => {
    const err = (() => {
      try {
        validateOptions('command line', { rate: 'fast', stages: [{ duration: 'soon', users: 1 }], burstiness: 0, scenarios: { a: { users: -1, startTime: 'later', colour: 1 } } });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err?.problems).toEqual([
      'stages.0.duration: expected a duration like 90s, 5m or 1h, got "soon"',
      'rate: expected a rate like 50/s, 3000/m or 1/2s, got "fast"',
      'burstiness: expected number to be >0, got 0',
      'scenarios.a.users: expected number to be >=0, got -1',
      'scenarios.a.startTime: expected a duration like 90s, 5m or 1h, got "later"',
      'scenarios.a.colour: unknown option; see docs/cli.md for the list',
    ]);
    expect(problemsOf(() => resolveFrom({}, { scenarios: { 'bad name': { users: 1 } } }))).toEqual([
      'scenarios.bad name: expected a name of letters, digits, _ . or -, got "bad name"',
    ]);
  });

  it('keeps a sweep apart from the load models', () => {
    expect(problemsOf(() => resolveFrom({ concurrency: '1,2', rate: '5/s', maxRequestsPerStage: 10 }))).toEqual([
      'concurrency: a sweep runs its own closed model; not with rate',
    ]);
  });
});
