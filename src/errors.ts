/**
 * Every failure Volley reports has a class here with a stable `code`, and every
 * process exit code is named in `ExitCode`. docs/exit-codes.md documents both.
 */

/** Process exit codes. Documented in docs/exit-codes.md. */
export const ExitCode = {
  /** The run finished and nothing failed. */
  Success: 0,
  /** The run finished but requests failed (change with --exit-code-on-error). */
  RequestsFailed: 1,
  /** A user error before the run: bad option, config or scenario. */
  UserError: 2,
  /** A threshold was crossed. */
  ThresholdsCrossed: 99,
  /** A failure of Volley's own: a bug, or during the run a worker that died or a load model that threw (results still written). */
  InternalError: 70,
  /** The run was interrupted (SIGINT/SIGTERM) and results were written. */
  Interrupted: 130,
  /** bench merge: the segments merged are not the whole plan (an instance is missing); the merged figures are partial. */
  MergeIncomplete: 98,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Base class: a failure with a stable code and an optional hint on how to fix it. */
export class VolleyError extends Error {
  readonly code: string;
  readonly hint?: string;
  constructor(code: string, message: string, hint?: string) {
    super(message);
    this.name = 'VolleyError';
    this.code = code;
    this.hint = hint;
  }
}

/** The user gave us something we cannot use. Printed without a stack trace, exit 2. */
export class UserError extends VolleyError {
  constructor(message: string, hint?: string, code = 'E_USER') {
    super(code, message, hint);
    this.name = 'UserError';
  }
}

/** Invalid option or config value; lists every problem found at once. */
export class ConfigError extends UserError {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super(`invalid ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, undefined, 'E_CONFIG');
    this.problems = problems;
  }
}

/** The scenario file failed to compile or load. */
export class ScenarioError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, hint, 'E_SCENARIO');
  }
}

/** The target host could not be reached before the run. */
export class UnreachableHostError extends UserError {
  constructor(host: string, reason: string) {
    super(`cannot reach host ${host}: ${reason}`, 'check that the server is running and the --host option or the user class `host` is right', 'E_UNREACHABLE');
  }
}

/**
 * Thrown inside a user task to end that virtual user (Locust's StopUser). Its
 * onStop still runs; the other users carry on.
 * @example
 * @task async buy() {
 *   const res = await this.client.post('/cart', { json: { id: 7 } });
 *   if (res.status === 409) throw new StopUser();
 * }
 */
export class StopUser extends Error {
  constructor(reason = 'StopUser') {
    super(reason);
    this.name = 'StopUser';
  }
}

/** Formats an error for the terminal: user errors without a stack trace. */
export function formatError(err: unknown): string {
  if (err instanceof UserError) return `error: ${err.message}${err.hint ? `\n  hint: ${err.hint}` : ''}`;
  if (err instanceof Error) return `internal error: ${err.stack ?? err.message}`;
  return `internal error: ${String(err)}`;
}

/** Redacts any occurrence of known secret values from a string. */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4 && out.includes(s)) out = out.split(s).join('***');
  return out;
}
