import type * as z from 'zod';
import { ConfigError } from '../errors.js';
import { optionsSchema, type ParsedOptions } from './schema.js';

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** Option keys whose flag is not the key in kebab case (repeatable flags are singular). */
const FLAG_OF: Record<string, string> = { thresholds: '--threshold' };

/** The command-line flag of an option key: spawnRate → --spawn-rate. */
const flag = (key: string): string => FLAG_OF[key] ?? '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/** Turns zod issues into lines naming the option path, what was expected and what was given. */
export function formatIssues(issues: z.core.$ZodIssue[], input: unknown, pathPrefix = '', naming: 'paths' | 'flags' = 'paths'): string[] {
  return issues.map((i) => {
    const path = pathPrefix + (i.path.length ? i.path.map(String).join('.') : '(root)');
    const shown = naming === 'flags' && i.path.length ? `${flag(String(i.path[0]))}${i.path.length > 1 ? ` (${i.path.slice(1).map(String).join('.')})` : ''}` : path;
    if (i.code === 'unrecognized_keys') {
      const keys = i.keys.map((k) => (naming === 'flags' && i.path.length === 0 ? flag(k) : pathPrefix + [...i.path.map(String), k].join('.')));
      return `${keys.join(', ')}: unknown option${i.keys.length > 1 ? 's' : ''}; see docs/cli.md for the list`;
    }
    let given: unknown = input;
    for (const p of i.path) given = given == null ? undefined : (given as Record<PropertyKey, unknown>)[p as PropertyKey];
    const msg = i.message.replace(/^(Invalid input|Too small|Too big): /, '').replace(/^expected int\b/, 'expected an integer');
    const m = msg === 'Invalid input' ? 'invalid value' : msg.replace(/, received \w+$/, '');
    // Some messages (thresholds, rates) already quote what was given.
    const got = describeValue(given);
    const quoted = /, got /.test(m) || (typeof given === 'string' && m.includes(got));
    return quoted ? `${shown}: ${m}` : `${shown}: ${m}, got ${got}`;
  });
}

/** Validates one source of options (config file, scenario, command line), listing every problem at once. */
export function validateOptions(source: string, input: unknown, naming: 'paths' | 'flags' = 'paths'): ParsedOptions {
  const r = optionsSchema.safeParse(input);
  if (!r.success) throw new ConfigError(source, formatIssues(r.error.issues, input, '', naming));
  return r.data;
}
