import { TASK_TAGS, TASK_WEIGHT, type TaskSpec } from '../api/task.js';
import { IS_SEQUENTIAL, IS_TASKSET } from '../api/taskset.js';
import { UserError } from '../errors.js';

type AnyFn = (...args: unknown[]) => unknown;
type AnyClass = abstract new (...args: any[]) => any;

/** One runnable task: a function called on the user (or task set), or a nested task set. */
export interface TaskEntry {
  name: string;
  weight: number;
  tags: string[];
  fn?: AnyFn;
  taskSet?: AnyClass;
  /** A task set's own table under the run's tag filter, its tasks carrying the set's tags (set by taskTable). */
  table?: TaskTable;
}

export interface TaskTable {
  entries: TaskEntry[];
  /** Cumulative weights for weighted picking. */
  cumulative: number[];
  totalWeight: number;
  sequential: boolean;
}

export interface TagFilter {
  tags?: string[];
  excludeTags?: string[];
}

export function isTaskSetClass(x: unknown): x is AnyClass {
  return typeof x === 'function' && (x as unknown as Record<symbol, unknown>)[IS_TASKSET] === true;
}

function symbolOf<T>(x: unknown, key: symbol): T | undefined {
  return x == null ? undefined : ((x as Record<symbol, T | undefined>)[key]);
}

/** Methods marked with @task, in declaration order, base classes first. */
function decoratedMethods(cls: AnyClass): TaskEntry[] {
  const chain: object[] = [];
  for (let p = cls.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) chain.unshift(p);
  const seen = new Map<string, TaskEntry>();
  for (const proto of chain) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key === 'constructor') continue;
      const desc = Object.getOwnPropertyDescriptor(proto, key);
      const fn = desc?.value;
      if (typeof fn !== 'function') continue;
      const weight = symbolOf<number>(fn, TASK_WEIGHT);
      if (weight === undefined) {
        seen.delete(key); // an override without @task is no longer a task
        continue;
      }
      if (!isWeight(weight)) {
        throw new UserError(`\`@task(${show(weight)})\` on ${(proto.constructor as { name?: string }).name || cls.name}.${key}: a task weight must be a finite number >= 0`, WEIGHT_HINT);
      }
      seen.set(key, { name: key, weight, tags: symbolOf<string[]>(fn, TASK_TAGS) ?? [], fn });
    }
  }
  return [...seen.values()];
}

function specEntries(cls: AnyClass, spec: TaskSpec): TaskEntry[] {
  const out: TaskEntry[] = [];
  if (Array.isArray(spec)) {
    for (const item of spec) {
      const [target, weight] = Array.isArray(item) ? item : [item, 1];
      out.push(entryFor(cls, target as AnyFn | AnyClass, weight));
    }
    return out;
  }
  for (const [name, weight] of Object.entries(spec)) {
    const fn = (cls.prototype as Record<string, unknown>)[name];
    if (typeof fn !== 'function') {
      throw new UserError(`static tasks of ${cls.name} names "${name}", but ${cls.name} has no method "${name}"`, `add a method ${name}() to ${cls.name} or fix the name`);
    }
    if (!isWeight(weight)) throw new UserError(`static tasks of ${cls.name} gives ${name} the weight ${show(weight)}: a task weight must be a finite number >= 0`, WEIGHT_HINT);
    out.push({ name, weight, tags: symbolOf<string[]>(fn, TASK_TAGS) ?? [], fn: fn as AnyFn });
  }
  return out;
}

function entryFor(owner: AnyClass, target: AnyFn | AnyClass, weight: number): TaskEntry {
  if (!isWeight(weight)) {
    const what = (target as { name?: string } | undefined)?.name || 'a task';
    throw new UserError(`static tasks of ${owner.name} gives ${what} the weight ${show(weight)}: a task weight must be a finite number >= 0`, WEIGHT_HINT);
  }
  if (isTaskSetClass(target)) {
    const tags = [...((target as { tags?: string[] }).tags ?? []), ...(symbolOf<string[]>(target, TASK_TAGS) ?? [])];
    return { name: target.name || 'TaskSet', weight, tags, taskSet: target };
  }
  if (typeof target !== 'function') throw new UserError(`static tasks of ${owner.name} holds ${String(target)}, which is neither a function nor a TaskSet class`);
  return { name: target.name || 'task', weight, tags: symbolOf<string[]>(target, TASK_TAGS) ?? [], fn: target as AnyFn };
}

const WEIGHT_HINT = 'give it a weight such as 1 or 2.5, how often it is picked relative to the other tasks; 0 turns it off';
const isWeight = (w: unknown): w is number => typeof w === 'number' && Number.isFinite(w) && w >= 0;
const show = (v: unknown): string => (typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v)));

const cache = new WeakMap<AnyClass, TaskEntry[]>();

/** Tags of a whole class: its `static tags` and its @tag decorator; every task of the class has them. */
function classTagsOf(cls: AnyClass): string[] {
  return union((cls as { tags?: string[] }).tags ?? [], symbolOf<string[]>(cls, TASK_TAGS) ?? []);
}

function union(a: readonly string[], b: readonly string[]): string[] {
  if (a.length === 0) return [...b];
  return [...new Set([...a, ...b])];
}

/** Every task of a user or task-set class, collected once per class. */
export function collectTasks(cls: AnyClass): TaskEntry[] {
  let entries = cache.get(cls);
  if (entries) return entries;
  const classTags = classTagsOf(cls);
  const spec = (cls as { tasks?: TaskSpec }).tasks;
  entries = [...decoratedMethods(cls), ...(spec ? specEntries(cls, spec) : [])].map((e) => ({ ...e, tags: union(classTags, e.tags) }));
  for (const e of entries) {
    if (!(e.weight >= 0) || !Number.isFinite(e.weight)) throw new UserError(`task ${cls.name}.${e.name} has weight ${e.weight}; expected a number >= 0`);
  }
  cache.set(cls, entries);
  return entries;
}

/**
 * The table a virtual user picks from, with --tags/--exclude-tags applied.
 * Throws a conversational error when a class has no task at all.
 */
export function taskTable(cls: AnyClass, filter: TagFilter = {}): TaskTable {
  return buildTable(cls, filter, [], new Set());
}

/**
 * As Locust filters tasks by tag: a task stays when it has one of --tags (if
 * given) and none of --exclude-tags; a task set takes the tags of the class
 * or set that holds it down to its own tasks (as Locust's @tag on a class
 * does) and stays when any of its tasks stays. `path` guards against sets
 * that hold themselves.
 */
function buildTable(cls: AnyClass, f: TagFilter, inherited: readonly string[], path: Set<AnyClass>): TaskTable {
  const all = collectTasks(cls);
  if (all.length === 0) {
    throw new UserError(
      `no tasks defined on ${cls.name}`,
      `decorate a method with @task (e.g. \`@task() async browse() { … }\`) or set \`static tasks = { browse: 1 }\``,
    );
  }
  path.add(cls);
  const entries: TaskEntry[] = [];
  for (const task of all) {
    if (!(task.weight > 0)) continue;
    const e = inherited.length ? { ...task, tags: union(inherited, task.tags) } : task;
    if (f.excludeTags?.length && e.tags.some((t) => f.excludeTags!.includes(t))) continue;
    if (e.taskSet) {
      // A set met again inside itself stays; its table is made when it is entered.
      if (path.has(e.taskSet)) entries.push(e);
      else {
        const table = buildTable(e.taskSet, f, e.tags, path);
        if (table.entries.length > 0) entries.push({ ...e, table });
      }
    } else if (!f.tags?.length || e.tags.some((t) => f.tags!.includes(t))) entries.push(e);
  }
  path.delete(cls);
  const cumulative: number[] = [];
  let total = 0;
  for (const e of entries) {
    total += e.weight;
    cumulative.push(total);
  }
  return { entries, cumulative, totalWeight: total, sequential: (cls as unknown as Record<symbol, unknown>)[IS_SEQUENTIAL] === true };
}

/** Weighted pick with a uniform random number in [0, 1). */
export function pickTask(table: TaskTable, r: number): TaskEntry {
  const x = r * table.totalWeight;
  const c = table.cumulative;
  // Task lists are short: a linear scan beats a binary search here.
  for (let i = 0; i < c.length; i++) if (x < c[i]!) return table.entries[i]!;
  return table.entries[table.entries.length - 1]!;
}
