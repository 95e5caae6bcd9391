import { HttpUser, type User } from '../api/user.js';
import { UserError } from '../errors.js';
import type { UserClassInfo, WorkerOptions, WorkerScenario } from '../pool/protocol.js';
import type { UserClass } from './load-scenario.js';
import { isLlmUser } from '../clients/llm/is-llm-user.js';
import type { LLMUser } from '../api/llm.js';
import { collectTasks, taskTable, type TagFilter } from './tasks.js';
import type { WaitTime } from '../api/wait.js';
import { waitSecondsProblem, waitTimeFieldProblem, waitTimeThrew } from './wait-check.js';

/** One problem with a user class, as the user reads it. */
interface Problem {
  message: string;
  hint?: string;
}

export interface DescribedClasses {
  /** What the main thread plans users with. */
  classes: UserClassInfo[];
  /** One instance of each class, for the clients to preload. */
  samples: User[];
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message || err.name : String(err));

/**
 * Makes one instance of each user class, to read what it declares, and checks
 * every class before any user starts: a constructor (or field initializer)
 * that throws, a weight or fixedCount that is not a count, an HttpUser or
 * LLMUser with no host, a scenario the tag filter leaves with nothing to run.
 * Every problem is reported at once, as one UserError. Classes the filter
 * leaves without a task while others of the scenario have some are marked
 * (`noTasksIn`): the engine leaves them out of that scenario.
 */
export function describeClasses(classes: UserClass[], options: WorkerOptions, apiKeyEnvOf?: (user: LLMUser) => string): DescribedClasses {
  const problems: Problem[] = [];
  const add = (p: Problem) => {
    if (!problems.some((q) => q.message === p.message)) problems.push(p);
  };
  const infos: UserClassInfo[] = [];
  const samples: User[] = [];
  for (const cls of classes) {
    const name = cls.name;
    let user: User | undefined;
    try {
      user = new cls();
      samples.push(user);
    } catch (err) {
      add({ message: `${name}: creating a user failed: ${messageOf(err)}`, hint: `fix the constructor or the field initializers of ${name}` });
    }
    const weight: unknown = cls.weight ?? 1;
    const fixedCount: unknown = cls.fixedCount;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      add({ message: `${name}: static weight must be a number >= 0, got ${show(weight)}` });
    }
    if (fixedCount !== undefined && (typeof fixedCount !== 'number' || !Number.isInteger(fixedCount) || fixedCount < 0)) {
      add({ message: `${name}: static fixedCount must be a whole number >= 0, got ${show(fixedCount)}` });
    }
    if (user) {
      const wait = waitTimeProblem(name, user);
      if (wait) add(wait);
    }
    // Plain Users have no client, so no host to need; HttpUser and LLMUser do.
    if (user && options.host === undefined && !user.host && cls.prototype instanceof HttpUser) {
      add({ message: `${name} has no host: set \`host = 'http://…'\` on the class or pass --host` });
    }
    let taskCount = 0;
    try {
      taskCount = collectTasks(cls).length;
    } catch (err) {
      add(problemOf(err));
    }
    const traffic = (user as { traffic?: unknown } | undefined)?.traffic;
    infos.push({ name, weight: typeof weight === 'number' ? weight : 1, fixedCount: typeof fixedCount === 'number' ? fixedCount : undefined, host: user?.host, taskCount, ...(typeof traffic === 'string' ? { traffic } : {}), ...(isLlmUser(user) && llmAuthInfo(user, options, apiKeyEnvOf)) });
  }
  // Tags may leave some classes of a scenario with nothing to run: they run no user there.
  // A scenario left with no class that has a task is an error.
  for (const spec of scenariosOf(options)) {
    const filter: TagFilter = { tags: spec.tags, excludeTags: spec.excludeTags };
    const own = classes.filter((c) => !spec.userClasses?.length || spec.userClasses.includes(c.name));
    const idle: UserClass[] = [];
    for (const cls of own) {
      const runnable = hasTaskToRun(cls, filter);
      if (typeof runnable === 'object') add(runnable);
      else if (!runnable) idle.push(cls);
    }
    const inScenario = (p: Problem) => (spec.name === 'default' ? p : { ...p, message: `scenario ${spec.name}: ${p.message}` });
    if (idle.length > 0 && idle.length === own.length) add(inScenario(nothingToRun(idle, filter)));
    else for (const cls of idle) (infos[classes.indexOf(cls)]!.noTasksIn ??= []).push(spec.name);
  }
  if (problems.length === 1) throw new UserError(problems[0]!.message, problems[0]!.hint);
  if (problems.length > 1) {
    throw new UserError(`the user classes have ${problems.length} problems:\n${problems.map((p) => `  - ${p.message}${p.hint ? ` (${p.hint})` : ''}`).join('\n')}`);
  }
  return { classes: infos, samples };
}

/** The scenarios' user groups on this worker, as WorkerRuntime makes them. */
function scenariosOf(options: WorkerOptions): Array<Pick<WorkerScenario, 'name' | 'userClasses' | 'tags' | 'excludeTags'>> {
  return options.scenarios ?? [{ name: 'default', tags: options.tags, excludeTags: options.excludeTags }];
}

/** Whether a class has a task to run under a tag filter; the problem when its tasks cannot be read. */
function hasTaskToRun(cls: UserClass, filter: TagFilter): boolean | Problem {
  try {
    return taskTable(cls, filter).entries.length > 0;
  } catch (err) {
    return problemOf(err);
  }
}

/** Why these classes (every class of a scenario) have nothing to run: the tag filter, or weights of 0. */
function nothingToRun(classes: UserClass[], filter: TagFilter): Problem {
  const names = classes.map((c) => c.name).join(', ');
  const given = [filter.tags?.length ? `--tags ${filter.tags.join(',')}` : '', filter.excludeTags?.length ? `--exclude-tags ${filter.excludeTags.join(',')}` : ''].filter(Boolean);
  if (given.length === 0) return { message: `every task of ${names} has weight 0, so no user would have anything to run`, hint: 'give a task a weight above 0, e.g. `@task(1)`' };
  const tagsOf = (cls: UserClass): string[] => collectTasks(cls).flatMap((t) => (t.taskSet ? [...t.tags, ...collectTasks(t.taskSet).flatMap((n) => n.tags)] : t.tags));
  const tags = [...new Set(classes.flatMap(tagsOf))];
  const whose = classes.length === 1 ? `${names}'s tasks` : 'their tasks';
  return {
    message: `${given.join(' and ')} leave${given.length === 1 ? 's' : ''} ${names} with no task to run`,
    hint: tags.length ? `the tags on ${whose}: ${tags.join(', ')}` : `no task of ${names} has a tag: tag tasks with @tag('…')`,
  };
}

/**
 * A waitTime that is not a function, or whose first call (on this sample user,
 * with no task run yet) throws or returns no number of seconds >= 0.
 */
function waitTimeProblem(name: string, user: User): Problem | undefined {
  const wait: unknown = user.waitTime;
  const field = waitTimeFieldProblem(name, wait);
  if (field || typeof wait !== 'function') return field && problemOf(field);
  try {
    const seconds: unknown = (wait as WaitTime).call(user, { lastTaskSeconds: 0, random: Math.random });
    const bad = waitSecondsProblem(name, seconds);
    return bad && problemOf(bad);
  } catch (err) {
    return problemOf(waitTimeThrew(name, err));
  }
}

function problemOf(err: unknown): Problem {
  return err instanceof UserError ? { message: err.message, hint: err.hint } : { message: messageOf(err) };
}

function show(v: unknown): string {
  return typeof v === 'number' ? String(v) : JSON.stringify(v) ?? String(v);
}

/** An LLM user's provider (--provider wins over the class's) and the variable its key is read from. */
function llmAuthInfo(user: LLMUser, options: WorkerOptions, apiKeyEnvOf: ((user: LLMUser) => string) | undefined): { apiKeyEnv: string; provider: string } {
  // The caller loads the providers (clients/llm/config.ts) when a class is an LLMUser.
  if (!apiKeyEnvOf) throw new Error('describeClasses: LLM classes need apiKeyEnvOf from clients/llm/config.ts');
  const given = options.extra.provider;
  const provider = typeof given === 'string' ? given : user.provider;
  return { apiKeyEnv: apiKeyEnvOf({ provider, apiKeyEnv: user.apiKeyEnv } as LLMUser), provider };
}
