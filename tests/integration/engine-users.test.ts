/**
 * How `runScenario` spreads users over real worker threads: class weights,
 * fixedCount, --user-classes, tags, iterations. Counts only, no timings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFixture, runFixtureError } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
beforeAll(async () => {
  target = await startTargetServer();
});
afterAll(() => target.close());

const taskRuns = (tasks: Array<{ name: string; runs: number }>) => Object.fromEntries(tasks.map((t) => [t.name, t.runs]));
const perWorker = (counters: Record<string, number>) =>
  Object.entries(counters)
    .filter(([k]) => k.startsWith('workers.'))
    .map(([, v]) => v)
    .sort();

describe('class mix across workers', () => {
  it('shares users by weight (3:1) over 2 workers', async () => {
    const r = await runFixture('class-mix.ts', { host: target.url, users: 8, workers: 2, iterations: 16, userClasses: 'Reader,Writer' });
    expect(r.exitCode).toBe(0);
    expect(r.summary.meta.workers).toBe(2);
    expect(r.summary.counters['users.Reader']).toBe(6);
    expect(r.summary.counters['users.Writer']).toBe(2);
    expect(r.summary.counters['users.Admin']).toBeUndefined();
    expect(perWorker(r.summary.counters)).toEqual([4, 4]);
  });

  it('pins a class with fixedCount and shares the rest by weight', async () => {
    const r = await runFixture('class-mix.ts', { host: target.url, users: 9, workers: 2, iterations: 18 });
    expect(r.summary.counters).toMatchObject({ 'users.Admin': 1, 'users.Reader': 6, 'users.Writer': 2 });
    expect(perWorker(r.summary.counters)).toEqual([4, 5]);
  });

  it('runs only the classes named with --user-classes', async () => {
    const r = await runFixture('class-mix.ts', { host: target.url, users: 3, workers: 2, iterations: 6, userClasses: ['Writer'] });
    expect(r.summary.counters['users.Writer']).toBe(3);
    expect(Object.keys(r.summary.counters).filter((k) => k.startsWith('users.'))).toEqual(['users.Writer']);
  });

  it('names the classes there are when --user-classes names an unknown one', { timeout: 20_000 }, async () => {
    const err = await runFixtureError('class-mix.ts', { host: target.url, userClasses: 'Reader,Ghost' });
    expect(err.message).toBe('--user-classes: no user class named Ghost');
    expect(err.hint).toBe('the scenario has: Admin, Reader, Writer');
  });
});

describe('iterations', () => {
  it.each([
    [4, 2, 50],
    [3, 2, 7],
    [1, 1, 5],
  ])('%d users on %d workers run exactly %d tasks in all', async (users, workers, iterations) => {
    const r = await runFixture('tagged.ts', { host: target.url, users, workers, iterations });
    expect(r.summary.tasks.reduce((a, t) => a + t.runs, 0)).toBe(iterations);
    expect(r.summary.meta.stopReason).toBe('iterations done');
    expect(r.summary.total.requests).toBe(iterations);
  });
});

describe('tags', () => {
  it('--tags runs only the tasks with one of the tags', async () => {
    const r = await runFixture('tagged.ts', { host: target.url, users: 2, workers: 2, iterations: 20, tags: 'browse' });
    expect(taskRuns(r.summary.tasks)).toEqual({ list: 20 });
  });

  it('--exclude-tags leaves out the tasks with one of the tags', async () => {
    const r = await runFixture('tagged.ts', { host: target.url, users: 2, workers: 2, iterations: 40, excludeTags: ['slow'] });
    expect(Object.keys(taskRuns(r.summary.tasks)).sort()).toEqual(['home', 'list']);
    expect(r.summary.tasks.reduce((a, t) => a + t.runs, 0)).toBe(40);
  });
});

describe('task sets', () => {
  it('enters a TaskSet until interrupt() and runs a SequentialTaskSet in order', async () => {
    const r = await runFixture('task-sets.ts', { host: target.url, users: 2, workers: 1, duration: '1s' });
    const runs = taskRuns(r.summary.tasks);
    expect(Object.keys(runs).sort()).toEqual(['Browse', 'Checkout', 'cart', 'item', 'leave', 'pay']);
    expect(r.summary.checks).toEqual([{ name: 'pay runs after cart', passes: runs.pay, fails: 0 }]);
    expect(r.summary.errors).toEqual([]);
  });

  it('ends a run with --iterations whose tasks leave task sets with interrupt() or StopUser', async () => {
    // -t is only a guard: the run must end by itself when the budget is spent.
    const r = await runFixture('task-sets.ts', { host: target.url, users: 2, workers: 1, iterations: 50, duration: '20s' });
    expect(r.summary.meta.stopReason).toBe('iterations done');
    // Entering a set, and each task inside it, are task runs: the budget counts them all.
    expect(r.summary.tasks.reduce((a, t) => a + t.runs, 0)).toBe(50);
  });
});
