import { describe, expect, it } from 'vitest';
import { TASK_TAGS, TASK_WEIGHT, tag, task } from '../../../src/api/task.js';

// Decorators are applied by hand here: vitest's transform does not compile TC39
// decorators (the scenarios are compiled by esbuild, which does).
const methodContext = (name: string) => ({ kind: 'method', name }) as ClassMethodDecoratorContext;
const meta = (fn: unknown, key: symbol) => (fn as Record<symbol, unknown>)[key];

describe('@task and @tag', () => {
  it('@task(weight) marks the method with its weight; @task and @task() mean weight 1', () => {
    const a = () => undefined;
    const b = () => undefined;
    const c = () => undefined;
    task(3)(a, methodContext('a'));
    task(b, methodContext('b'));
    task()(c, methodContext('c'));
    expect([meta(a, TASK_WEIGHT), meta(b, TASK_WEIGHT), meta(c, TASK_WEIGHT)]).toEqual([3, 1, 1]);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '2'])('@task(%s) keeps the weight as given, for the runtime to refuse with the class and method', (w) => {
    const fn = () => undefined;
    task(w as number)(fn, methodContext('browse'));
    expect(meta(fn, TASK_WEIGHT)).toBe(w);
  });

  it('@task on something other than a method says so', () => {
    expect(() => task(1)(() => undefined, { kind: 'getter', name: 'x' } as unknown as ClassMethodDecoratorContext)).toThrow(
      '@task can only decorate methods, not a getter (x)',
    );
  });

  it('@tag adds up, whichever side of @task it is on', () => {
    const fn = () => undefined;
    tag('a', 'b')(fn, methodContext('fn'));
    task(2)(fn, methodContext('fn'));
    tag('c')(fn, methodContext('fn'));
    expect(meta(fn, TASK_TAGS)).toEqual(['a', 'b', 'c']);
    expect(meta(fn, TASK_WEIGHT)).toBe(2);
  });
});
