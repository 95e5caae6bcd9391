import { optionsSchema } from './schema.js';

/** What Volley reads from a scenario module, besides its user classes and load shapes. */
const READ = new Set(['options', 'setup', 'teardown', 'default']);

/** Levenshtein distance, small strings only (export names). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * Exports that look like a misspelt `options` and would be silently ignored:
 * a name close to `options` (`option`, `Options`, `opts`), or a plain object
 * holding option names (`users`, `duration`…) under another name. One
 * warning each, naming the export and the fix.
 */
export function optionLikeExports(mod: Record<string, unknown>, scenarioPath: string): string[] {
  const optionKeys = new Set(Object.keys(optionsSchema.shape));
  const warnings: string[] = [];
  for (const [name, value] of Object.entries(mod)) {
    if (READ.has(name) || !isPlainObject(value)) continue;
    const lower = name.toLowerCase();
    const near = editDistance(lower, 'options') <= 2 || lower === 'opts';
    const keys = Object.keys(value).filter((k) => optionKeys.has(k));
    if (!near && keys.length === 0) continue;
    const why = near ? `its name is close to \`options\`` : `it holds options (${keys.slice(0, 3).join(', ')})`;
    warnings.push(`${scenarioPath} exports \`${name}\`, which Volley does not read (${why}): rename it \`export const options = {…}\` for its settings to apply`);
  }
  return warnings;
}
