import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { packageRoot, packageVersion } from '../../util/package-root.js';
import { BENCH_CONFIG, HTTP_SCENARIO, LLM_SCENARIO, packageJson, TSCONFIG, type StarterKind } from './templates.js';

const KINDS: StarterKind[] = ['http', 'llm'];
const DEFAULT_FILE = 'scenario.ts';

export interface InitResult {
  /** Paths written, relative to cwd. */
  written: string[];
  /** What to type next, one command a line. */
  next: string[];
}

/**
 * `bench init [http|llm] [file.ts]`: a starter scenario, and in an empty folder
 * a project around it (package.json, tsconfig.json, bench.config.ts). Writes
 * nothing when any of its files exists.
 */
export function initProject(args: { kind?: string; file?: string }, cwd: string): InitResult {
  let { kind, file } = args;
  // `bench init my.ts` is http with a file name.
  if (kind !== undefined && file === undefined && !KINDS.includes(kind as StarterKind) && /\.[cm]?[jt]s$/.test(kind)) [kind, file] = ['http', kind];
  kind ??= 'http';
  if (!KINDS.includes(kind as StarterKind)) throw new UserError(`bench init: unknown kind "${kind}"`, 'expected http or llm, e.g. `bench init llm chat.ts`');
  file ??= DEFAULT_FILE;
  if (!/\.[cm]?[jt]s$/.test(extname(file))) throw new UserError(`bench init: ${file} is not a .ts or .js file`, 'name the scenario file, e.g. `bench init http load.ts`');

  const scenarioPath = resolve(cwd, file);
  const dir = dirname(scenarioPath);
  const rel = (p: string) => relative(cwd, p) || p;
  const scenarioText = (kind === 'llm' ? LLM_SCENARIO : HTTP_SCENARIO).replaceAll('__FILE__', basename(scenarioPath));
  const files: Array<[string, string]> = [[scenarioPath, scenarioText]];
  const emptyFolder = !existsSync(dir) || readdirSync(dir).every((n) => n.startsWith('.'));
  if (emptyFolder) {
    files.push(
      [join(dir, 'package.json'), JSON.stringify(packageJson(projectName(dir), volleySpec(dir), ownDevVersion('@types/node', '^20'), ownDevVersion('typescript', '^5')), null, 2) + '\n'],
      [join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2) + '\n'],
      [join(dir, 'bench.config.ts'), BENCH_CONFIG],
    );
  }
  const taken = files.find(([p]) => existsSync(p));
  if (taken) throw new UserError(`bench init: ${rel(taken[0])} already exists; nothing was written`, 'remove it, or give another file name: `bench init ' + kind + ' other.ts`');

  mkdirSync(dir, { recursive: true });
  for (const [p, text] of files) writeFileAtomic(p, text);
  const inDir = dir === resolve(cwd) ? [] : [`cd ${rel(dir)}`];
  const install = emptyFolder ? ['npm install'] : [];
  const users = kind === 'llm' ? 4 : 5;
  return { written: files.map(([p]) => rel(p)), next: [...inDir, ...install, `npx bench run ${basename(scenarioPath)} -u ${users} -t 10s`] };
}

/** A package name npm accepts, from the folder's name. */
function projectName(dir: string): string {
  const n = basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '');
  return n || 'volley-scenarios';
}

/**
 * How the new project depends on this Volley: its version when it was installed
 * from a registry, else the folder it runs from (a checkout), which npm links.
 */
function volleySpec(dir: string): string {
  const root = packageRoot();
  if (root.split(sep).includes('node_modules')) return `^${packageVersion()}`;
  return `file:${relative(dir, root) || '.'}`;
}

/** The range Volley itself develops with, so the project's editor types match. */
function ownDevVersion(name: string, fallback: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
    return pkg.devDependencies?.[name] ?? fallback;
  } catch {
    return fallback;
  }
}

export function registerInitCommand(program: Command, io: { stdout: NodeJS.WritableStream }): void {
  program
    .command('init')
    .description('write a commented starter scenario (http or llm); in an empty folder also package.json, tsconfig.json and bench.config.ts')
    .argument('[kind]', 'http (default) or llm')
    .argument('[file]', `scenario file to write (default ${DEFAULT_FILE})`)
    .action((kind: string | undefined, file: string | undefined) => {
      const r = initProject({ kind, file }, process.cwd());
      for (const p of r.written) io.stdout.write(`wrote ${p}\n`);
      io.stdout.write(`\nnext:\n${r.next.map((c) => `  ${c}`).join('\n')}\n`);
    });
}
