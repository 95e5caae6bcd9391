import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { collectTasks, pickTask, taskTable, type TaskTable } from '../../../src/runtime/tasks.js';
import { importScenario } from '../../helpers/import-scenario.js';

type AnyClass = abstract new (...args: any[]) => any;
let m: Record<string, AnyClass>;

beforeAll(async () => {
  m = await importScenario<Record<string, AnyClass>>('dsl/tasks.ts');
});

const summary = (cls: AnyClass) => collectTasks(cls).map((e) => [e.name, e.weight]);
const names = (t: TaskTable) => t.entries.map((e) => e.name);

describe('collectTasks', () => {
  it('collects @task methods in declaration order with their weights (default 1)', () => {
    expect(summary(m.Decorated!)).toEqual([
      ['browse', 3],
      ['buy', 1],
      ['view', 1],
    ]);
  });

  it('inherits tasks; an override without @task is no longer a task, one with @task takes its new weight', () => {
    expect(summary(m.Child!)).toEqual([
      ['browse', 3],
      ['view', 7],
      ['extra', 2],
    ]);
  });

  it('reads static tasks as a map of method names to weights', () => {
    const entries = collectTasks(m.ByName!);
    expect(entries.map((e) => [e.name, e.weight])).toEqual([
      ['browse', 3],
      ['buy', 1],
    ]);
    expect(entries[0]!.fn).toBe((m.ByName!.prototype as Record<string, unknown>).browse);
  });

  it('reads static tasks as a list of functions and [function, weight] pairs', () => {
    expect(summary(m.ByList!)).toEqual([
      ['ping', 1],
      ['pong', 4],
    ]);
  });

  it('takes TaskSet classes as tasks', () => {
    const entries = collectTasks(m.WithSets!);
    expect(entries.map((e) => [e.name, e.weight, e.taskSet])).toEqual([
      ['Browse', 1, m.Browse],
      ['Checkout', 2, m.Checkout],
    ]);
    expect(summary(m.Browse!)).toEqual([
      ['item', 5],
      ['leave', 1],
    ]);
  });

  it('names a method of static tasks that does not exist, and how to fix it', () => {
    const err = (() => {
      try {
        collectTasks(m.BadName!);
      } catch (e) {
        return e as UserError;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect(err!.message).toBe('static tasks of BadName names "missing", but BadName has no method "missing"');
    expect(err!.hint).toContain('add a method missing()');
  });

  it('collects a class once', () => {
    expect(collectTasks(m.Decorated!)).toBe(collectTasks(m.Decorated!));
  });
});

describe('taskTable and pickTask', () => {
  it('picks tasks in proportion to their weights', () => {
    const table = taskTable(m.Decorated!);
    expect(table.totalWeight).toBe(5);
    expect(table.cumulative).toEqual([3, 4, 5]);
    const counts: Record<string, number> = {};
    const N = 1000;
    for (let i = 0; i < N; i++) {
      const e = pickTask(table, (i + 0.5) / N);
      counts[e.name] = (counts[e.name] ?? 0) + 1;
    }
    expect(counts).toEqual({ browse: 600, buy: 200, view: 200 });
  });

  it('maps the edges of [0, 1) to the first and last task', () => {
    const table = taskTable(m.Decorated!);
    expect(pickTask(table, 0).name).toBe('browse');
    expect(pickTask(table, 0.5999).name).toBe('browse');
    expect(pickTask(table, 0.6).name).toBe('buy');
    expect(pickTask(table, 0.8).name).toBe('view');
    expect(pickTask(table, 0.999999).name).toBe('view');
  });

  it('leaves out tasks of weight 0', () => {
    expect(names(taskTable(m.ZeroWeight!))).toEqual(['always']);
  });

  it('marks a SequentialTaskSet, whose tasks run in declaration order', () => {
    const table = taskTable(m.Checkout!);
    expect(table.sequential).toBe(true);
    expect(names(table)).toEqual(['cart', 'address', 'pay']);
    expect(taskTable(m.Browse!).sequential).toBe(false);
  });

  it('says how to add a task when a class has none', () => {
    let err: UserError | undefined;
    try {
      taskTable(m.NoTasks!);
    } catch (e) {
      err = e as UserError;
    }
    expect(err).toBeInstanceOf(UserError);
    expect(err!.message).toBe('no tasks defined on NoTasks');
    expect(err!.hint).toContain('@task');
    expect(err!.hint).toContain('static tasks');
  });
});

describe('tags', () => {
  it('keeps only tasks with one of --tags', () => {
    expect(names(taskTable(m.Tagged!, { tags: ['checkout'] }))).toEqual(['pay']);
    expect(names(taskTable(m.Tagged!, { tags: ['browse', 'slow'] }))).toEqual(['list', 'pay']);
  });

  it('leaves out tasks with one of --exclude-tags', () => {
    expect(names(taskTable(m.Tagged!, { excludeTags: ['slow'] }))).toEqual(['list', 'home']);
    expect(names(taskTable(m.Tagged!, { tags: ['browse', 'checkout'], excludeTags: ['slow'] }))).toEqual(['list']);
  });

  it('keeps everything without a filter, and nothing when no task matches', () => {
    expect(names(taskTable(m.Tagged!))).toEqual(['list', 'pay', 'home']);
    expect(names(taskTable(m.Tagged!, { tags: ['nothing-has-this'] }))).toEqual([]);
  });

  it('gives the static tags of a class to each of its tasks', () => {
    expect(collectTasks(m.ClassTagged!).map((e) => [e.name, e.tags])).toEqual([
      ['one', ['api']],
      ['two', ['api', 'extra']],
    ]);
    expect(names(taskTable(m.ClassTagged!, { tags: ['api'] }))).toEqual(['one', 'two']);
  });

  it('keeps a task set tagged with @tag', () => {
    expect(names(taskTable(m.TaggedSet!, { tags: ['cart'] }))).toEqual(['CartSet']);
    expect(names(taskTable(m.TaggedSet!, { excludeTags: ['cart'] }))).toEqual(['home']);
  });

  // As Locust: a tagged TaskSet gives its tag to all its tasks, so with --tags cart the set's own table is not empty.
  it('gives the @tag of a task set to the tasks inside it', () => {
    expect(names(taskTable(m.CartSet!, { tags: ['cart'] }))).toEqual(['add', 'remove']);
  });
});
