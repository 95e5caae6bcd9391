/**
 * `bench init` as a new user runs it: the real binary in an empty temp folder,
 * the files it writes, and the generated scenario run against the mock.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bench, ROOT } from '../helpers/bench-process.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'volley-init-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bench init in an empty folder', () => {
  let dir: string;
  let init: Awaited<ReturnType<typeof bench>>;
  beforeAll(async () => {
    dir = join(tmp, 'llm-project');
    mkdirSync(dir);
    init = await bench(['init', 'llm'], { cwd: dir });
  });

  it('writes the scenario and a project around it, then prints the commands to run it', () => {
    expect(init.code).toBe(0);
    for (const f of ['scenario.ts', 'package.json', 'tsconfig.json', 'bench.config.ts']) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(readFileSync(join(dir, 'scenario.ts'), 'utf8')).toMatch(/extends LLMUser/);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    // Run from a checkout: the project depends on this folder, which npm links.
    expect(resolve(dir, pkg.devDependencies.volley!.replace(/^file:/, ''))).toBe(resolve(ROOT));
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['@types/node', 'typescript', 'volley']);
    expect(init.stdout).toMatch(/npm install\n\s+npx bench run scenario\.ts -u 4 -t 10s/);
  });

  it('refuses to overwrite: exit 2 naming the file, nothing written', async () => {
    writeFileSync(join(dir, 'scenario.ts'), '// mine\n');
    const again = await bench(['init', 'http'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/scenario\.ts already exists/);
    expect(readFileSync(join(dir, 'scenario.ts'), 'utf8')).toBe('// mine\n');
  });

  it('gives editor types once volley, typescript and @types/node are installed (the generated tsconfig)', () => {
    // What `npm install` makes of the generated package.json, linked from this checkout.
    rmSync(join(dir, 'scenario.ts'));
    execFileSync(process.execPath, [join(ROOT, 'bin/bench.js'), 'init', 'llm', 'chat.ts'], { cwd: dir });
    mkdirSync(join(dir, 'node_modules/@types'), { recursive: true });
    symlinkSync(ROOT, join(dir, 'node_modules/volley'));
    symlinkSync(join(ROOT, 'node_modules/typescript'), join(dir, 'node_modules/typescript'));
    symlinkSync(join(ROOT, 'node_modules/@types/node'), join(dir, 'node_modules/@types/node'));
    const tsc = join(dir, 'node_modules/typescript/bin/tsc');
    expect(() => execFileSync(process.execPath, [tsc, '--noEmit', '-p', dir], { cwd: dir, encoding: 'utf8' })).not.toThrow();
    // And the types are real: a typo is caught.
    writeFileSync(join(dir, 'typo.ts'), "import { LLMUser, task } from 'volley';\nexport class T extends LLMUser { @task() async a() { await this.llm.chatt(); } }\n");
    let out = '';
    try {
      execFileSync(process.execPath, [tsc, '--noEmit', '-p', dir], { cwd: dir, encoding: 'utf8' });
    } catch (err) {
      out = String((err as { stdout?: string }).stdout);
    }
    rmSync(join(dir, 'typo.ts'));
    expect(out).toMatch(/typo\.ts.*Property 'chatt' does not exist/);
  });
});

describe('generated scenarios run', () => {
  it.each(['http', 'llm'])('bench init %s: the scenario runs against the mock and exits 0', async (kind) => {
    const dir = join(tmp, `run-${kind}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'not an empty folder\n');
    const init = await bench(['init', kind, `${kind}.ts`], { cwd: dir });
    expect(init.code).toBe(0);
    // Not an empty folder: only the scenario.
    expect(init.stdout).toMatch(new RegExp(`^wrote ${kind}\\.ts\\n\\nnext:\\n  npx bench run ${kind}\\.ts`));
    expect(existsSync(join(dir, 'package.json'))).toBe(false);
    // Short LLM replies, so requests finish within the 2 s (the starter's ~300-token replies take ~6 s on the mock).
    const short = kind === 'llm' ? ['--traffic', 'D(20,10)'] : [];
    const run = await bench(['run', `${kind}.ts`, '-u', '2', '-w', '1', '-t', '2s', '--headless', '--out', 'results', ...short], { cwd: dir });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'results/summary.json'), 'utf8')) as { total: { requests: number; failures: number } };
    expect(summary.total.requests).toBeGreaterThan(0);
    expect(summary.total.failures).toBe(0);
  });
});

describe('a scenario that imports an npm package that is not installed', () => {
  it('fails with the code frame and a hint naming the fix', async () => {
    const dir = join(tmp, 'missing-pkg');
    mkdirSync(dir);
    writeFileSync(join(dir, 'uses-pkg.ts'), "import { HttpUser, task } from 'volley';\nimport { nanoid } from 'nanoid-not-installed/non-secure';\nexport class A extends HttpUser { host = 'mock'; @task async a() { await this.client.get('/' + nanoid()); } }\n");
    const r = await bench(['run', 'uses-pkg.ts', '-t', '1s'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('uses-pkg.ts:2:');
    expect(r.stderr).toContain('Could not resolve "nanoid-not-installed/non-secure"');
    expect(r.stderr).toContain('hint: the package is not installed where the scenario can see it: run `npm install nanoid-not-installed` in .');
    expect(r.stderr).not.toContain('    at ');
  });
});
