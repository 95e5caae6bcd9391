/**
 * Scenarios as users write them: files read relative to the scenario (not the
 * current folder, not the bundle's temporary folder), CommonJS scenarios, the
 * scenario's own tsconfig.json, and an `options` export under a wrong name.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFixture } from '../helpers/run-fixture.js';

/** Writes a small project into a fresh temporary folder (never the current one); returns its path. */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'volley-project-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const allPassed = (checks: Array<{ name: string; passes: number; fails: number }>) => checks.filter((c) => c.fails > 0 || c.passes === 0).map((c) => c.name);

describe('files next to the scenario', () => {
  it('open(), scenarioDir(), __dirname, __filename and import.meta.url point at the source, each file at its own folder', async () => {
    const root = project({
      'load/data.txt': 'next to the scenario\n',
      'load/lib/own.txt': 'beside the helper\n',
      'load/lib/reader.ts': [
        "import { readFileSync } from 'node:fs';",
        "import { join } from 'node:path';",
        "export const helperDir = __dirname;",
        "export const readOwn = () => readFileSync(join(__dirname, 'own.txt'), 'utf8').trim();",
        "export const ownUrl = new URL('./own.txt', import.meta.url).href;",
      ].join('\n'),
      'load/scenario.ts': [
        "import { readFileSync } from 'node:fs';",
        "import { join } from 'node:path';",
        "import { fileURLToPath } from 'node:url';",
        "import { User, check, open, scenarioDir, task } from 'volley';",
        "import { helperDir, ownUrl, readOwn } from './lib/reader';",
        "const opened = open('data.txt').trim();",
        "const bytes = open('data.txt', 'b');",
        "const viaDirname = readFileSync(join(__dirname, 'data.txt'), 'utf8').trim();",
        "const viaUrl = readFileSync(fileURLToPath(new URL('./data.txt', import.meta.url)), 'utf8').trim();",
        "const seen = { dir: scenarioDir(), dirname: __dirname, filename: __filename, url: import.meta.url, helperDir, ownUrl, own: readOwn() };",
        "export class Reader extends User {",
        "  @task async read() {",
        "    check(opened, { 'open() reads beside the scenario': (v) => v === 'next to the scenario' });",
        "    check(bytes, { 'open(path, b) gives bytes': (v) => Buffer.isBuffer(v) && v.length === 21 });",
        "    check(viaDirname, { '__dirname is the scenario folder': (v) => v === 'next to the scenario' });",
        "    check(viaUrl, { 'import.meta.url is the scenario file': (v) => v === 'next to the scenario' });",
        "    check(seen, { 'a sub-folder module reads beside itself': (s) => s.own === 'beside the helper' });",
        "    check(seen, { 'the paths are the source files': (s) => s.dir === s.dirname && s.filename === join(s.dir, 'scenario.ts') && fileURLToPath(s.url) === s.filename && s.helperDir === join(s.dir, 'lib') && fileURLToPath(s.ownUrl) === join(s.dir, 'lib', 'own.txt') });",
        "  }",
        "}",
      ].join('\n'),
    });
    const r = await runFixture(join(root, 'load/scenario.ts'), { users: 1, workers: 1, iterations: 1 });
    expect(r.exitCode).toBe(0);
    expect(r.summary.checks).toHaveLength(6);
    expect(allPassed(r.summary.checks)).toEqual([]);
  });

  it('honours the paths aliases of the scenario’s own tsconfig.json', async () => {
    const root = project({
      'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@shared/*': ['shared/*'] } } }),
      'shared/names.ts': "export const GREETING = 'from the alias';",
      'scenarios/aliased.ts': [
        "import { User, check, task } from 'volley';",
        "import { GREETING } from '@shared/names';",
        "export class Aliased extends User {",
        "  @task async greet() { check(GREETING, { 'the alias resolves': (g) => g === 'from the alias' }); }",
        "}",
      ].join('\n'),
    });
    const r = await runFixture(join(root, 'scenarios/aliased.ts'), { users: 1, workers: 1, iterations: 2 });
    expect(r.exitCode).toBe(0);
    expect(r.summary.checks).toEqual([{ name: 'the alias resolves', passes: 2, fails: 0 }]);
  });
});

describe('CommonJS scenarios', () => {
  it('runs a .cjs scenario that requires volley, with the options it exports', async () => {
    const root = project({
      'data.txt': 'next to the scenario',
      'cjs/load.cjs': [
        '"use strict"', // a directive without its semicolon stays the directive
        "const { User, check } = require('volley');",
        "const { readFileSync } = require('node:fs');",
        "const { join } = require('node:path');",
        "class Plain extends User {",
        "  static tasks = { hello: 1 };",
        "  async hello() {",
        "    check(readFileSync(join(__dirname, '..', 'data.txt'), 'utf8'), { 'reads from its folder': (v) => v === 'next to the scenario' });",
        "    check(this, { 'strict mode': () => (function () { return this; })() === undefined });",
        "  }",
        "}",
        "module.exports = { Plain, options: { iterations: 3 } };",
      ].join('\n'),
    });
    const r = await runFixture(join(root, 'cjs/load.cjs'), { users: 1, workers: 1 });
    expect(r.exitCode).toBe(0);
    expect(r.summary.checks).toEqual([
      { name: 'reads from its folder', passes: 3, fails: 0 },
      { name: 'strict mode', passes: 3, fails: 0 },
    ]);
  });

  it('runs a .cts scenario with require("volley") and decorators', async () => {
    const root = project({
      'load.cts': [
        "const { User, check, task } = require('volley') as typeof import('volley');",
        "class Decorated extends User {",
        "  @task async hello() { check(1, { 'ran': (v) => v === 1 }); }",
        "}",
        "module.exports = { Decorated };",
      ].join('\n'),
    });
    const r = await runFixture(join(root, 'load.cts'), { users: 1, workers: 1, iterations: 2 });
    expect(r.exitCode).toBe(0);
    expect(r.summary.checks).toEqual([{ name: 'ran', passes: 2, fails: 0 }]);
  });
});

describe('exports Volley does not read', () => {
  it('warns about `option` (a typo for options) and about a plain object of options under another name', async () => {
    const root = project({
      'typo.ts': [
        "import { User, task } from 'volley';",
        "export const option = { iterations: 5 };",
        "export const settings = { users: 3, duration: '1s' };",
        "export const ITEMS = { paths: ['/a'] };",
        "export class Idle extends User { @task async nothing() {} }",
      ].join('\n'),
    });
    const r = await runFixture(join(root, 'typo.ts'), { users: 1, workers: 1, iterations: 1 });
    expect(r.exitCode).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning:'));
    expect(warnings).toEqual([
      expect.stringMatching(/exports `option`, which Volley does not read \(its name is close to `options`\): rename it `export const options = \{…\}`/),
      expect.stringMatching(/exports `settings`, which Volley does not read \(it holds options \(users, duration\)\)/),
    ]);
  });
});
