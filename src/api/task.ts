/**
 * Task declaration. Decorators only attach metadata to the method; the runtime
 * collects it (see collectTasks) when a class is first used, as Locust does.
 */
export const TASK_WEIGHT = Symbol.for('volley.taskWeight');
export const TASK_TAGS = Symbol.for('volley.taskTags');

type Method = (...args: never[]) => unknown;
type MethodDecorator = (value: Method, context: ClassMethodDecoratorContext) => void;

function isDecoratorCall(a: unknown, b: unknown): b is ClassMethodDecoratorContext {
  return typeof a === 'function' && typeof b === 'object' && b !== null && 'kind' in b;
}

/**
 * Marks a method as a task. The weight (default 1) sets how often it is picked
 * relative to the other tasks of the class.
 * @example
 * class Shopper extends HttpUser {
 *   @task(3) async browse() { await this.client.get('/items'); }
 *   @task async buy() { await this.client.post('/cart', { json: { id: 7 } }); }
 * }
 */
export function task(weight?: number): MethodDecorator;
export function task(value: Method, context: ClassMethodDecoratorContext): void;
export function task(a?: number | Method, b?: ClassMethodDecoratorContext): MethodDecorator | void {
  if (isDecoratorCall(a, b)) {
    mark(a as Method, 1, b);
    return;
  }
  // A bad weight (-1, NaN, '2') is kept as given: the runtime names the class and
  // method when it collects the tasks, which this decorator cannot know yet.
  const weight = a === undefined ? 1 : (a as number);
  return (value, context) => mark(value, weight, context);
}

function mark(value: Method, weight: number, context: ClassMethodDecoratorContext): void {
  if (context.kind !== 'method') throw new TypeError(`@task can only decorate methods, not a ${context.kind} (${String(context.name)})`);
  (value as unknown as Record<symbol, number>)[TASK_WEIGHT] = weight;
}

/**
 * Tags a task (or a TaskSet class) so a run can select it with --tags or leave
 * it out with --exclude-tags.
 * @example
 * @tag('checkout') @task(1) async buy() { ... }
 */
export function tag(...tags: string[]): (value: unknown, context: ClassMethodDecoratorContext | ClassDecoratorContext) => void {
  return (value) => {
    const target = value as Record<symbol, string[] | undefined>;
    target[TASK_TAGS] = [...(target[TASK_TAGS] ?? []), ...tags];
  };
}

/** A task function given in `static tasks`: called with the user (or task set) as `this` and as argument. */
export type TaskFunction<U = unknown> = (this: U, user: U) => unknown;

/**
 * The decorator-free way to declare tasks, for plain JavaScript:
 * a map of method names to weights, or a list of functions, TaskSet classes or [item, weight] pairs.
 * @example static tasks = { browse: 3, buy: 1 };
 * @example static tasks = [browse, [Checkout, 2]];
 */
export type TaskSpec = Record<string, number> | ReadonlyArray<TaskItem | readonly [TaskItem, number] | ReadonlyArray<TaskItem | number>>;

/** A function or a TaskSet class, as listed in `static tasks`. */
type TaskItem = TaskFunction | (abstract new (...a: never[]) => unknown);
// The loose `ReadonlyArray<TaskItem | number>` member is there because TypeScript
// infers `[Checkout, 2]` in an unannotated `static tasks = [...]` as an array, not a
// pair; the runtime checks the shape and names what is wrong.
