/**
 * Bad input through `runScenario`: each case is one UserError with a clear
 * message (and often a hint), thrown before any load starts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { runFixture, runFixtureError, SCENARIOS } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
let tmp: string;
beforeAll(async () => {
  target = await startTargetServer();
  tmp = mkdtempSync(join(tmpdir(), 'volley-errors-'));
});
afterAll(async () => {
  await target.close();
  rmSync(tmp, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

describe('bad input is one clear user error', { timeout: 20_000 }, () => {
  it('an unreachable host, checked once before the run', async () => {
    const err = await runFixtureError('tagged.ts', { host: 'http://127.0.0.1:1' });
    expect(err).toBeInstanceOf(UserError);
    expect(err.code).toBe('E_UNREACHABLE');
    expect(err.message).toBe('cannot reach host http://127.0.0.1:1: connection refused');
    expect(err.hint).toContain('--host');
    expect(target.hits.size).toBe(0);
  });

  it('a host that is not a URL', async () => {
    const err = await runFixtureError('tagged.ts', { host: 'localhost:8080' });
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toContain(`--host: expected an http:// or https:// base URL such as http://127.0.0.1:8080, or 'mock', got "localhost:8080"`);
  });

  it('a scenario with no user class', async () => {
    const err = await runFixtureError('no-user-class.ts', {});
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('no user class found in the scenario');
    expect(err.hint).toContain('extends User, HttpUser');
  });

  it('a user class with no tasks, saying how to add one', async () => {
    const err = await runFixtureError('no-tasks.ts', { host: target.url });
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('no tasks defined on Idle');
    expect(err.hint).toContain('@task');
    expect(err.hint).toContain('static tasks');
  });

  it('a scenario with a syntax error, shown with file:line:col and the code line', async () => {
    const file = write('broken.ts', "import { HttpUser, task } from 'volley';\nexport class A extends HttpUser {\n  @task async x() { await this.client.get('/' }\n}\n");
    const err = await runFixtureError(file, {});
    expect(err).toBeInstanceOf(UserError);
    expect(err.code).toBe('E_SCENARIO');
    expect(err.message).toMatch(/broken\.ts:3:47: Expected "\)" but found "}"/);
    expect(err.message).toContain("  3 |   @task async x() { await this.client.get('/' }");
    expect(err.message).toMatch(/\n {4}\| {47}\^/);
  });

  it('a scenario whose top-level code throws', async () => {
    const file = write('throws.ts', "import { User, task } from 'volley';\nconst cfg = JSON.parse('{');\nexport class A extends User { @task async x() {} }\n");
    const err = await runFixtureError(file, {});
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/^scenario .*throws\.ts failed to load: SyntaxError: /);
    expect(err.stack).not.toContain('scenario.mjs');
  });

  it.each([
    ['--out', 'out', 'sub'],
    ['--requests-log', 'requestsLog', 'log.jsonl'],
  ])('%s where nothing can be written, refused before the load starts', async (flag, option, leaf) => {
    const blocked = join(write('a-file', ''), leaf);
    const err = await runFixtureError('tagged.ts', { host: target.url, [option]: blocked, duration: '1m' });
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(new RegExp(`^${flag} ${blocked}: cannot write there \\((ENOTDIR|EEXIST)\\)$`));
  });

  it('a missing scenario file', async () => {
    const err = await runFixtureError('does-not-exist.ts', {});
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe(`scenario file not found: ${SCENARIOS}does-not-exist.ts`);
  });

  it('a setup() that throws', async () => {
    const file = write('setup-fails.ts', "import { User, task } from 'volley';\nexport function setup() { throw new Error('db down'); }\nexport class A extends User { @task async x() {} }\n");
    const err = await runFixtureError(file, {});
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('setup() failed: db down');
  });

  it('an LLM user class the client cannot be made for: refused by the workers before the run', async () => {
    const err = await runFixtureError('llm/bad-provider.ts', { users: 2, workers: 2, iterations: 2 });
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('Misconfigured: unknown provider "nope"');
    expect(err.hint).toContain('openai');
  });

  it('an LLM client that fails only once users start: the run ends with the user error, not a crash', async () => {
    // The first instance (the one the worker preloads) is fine; the users made after it are not.
    const file = write(
      'llm-flaky.ts',
      "import { LLMUser, task } from 'volley';\nlet made = 0;\nexport class Flaky extends LLMUser {\n  host = 'mock';\n  model = 'm';\n  provider = (made++ === 0 ? 'openai' : 'nope') as never;\n  @task() async ask() { await this.llm.chat(); }\n}\n",
    );
    const err = await runFixtureError(file, { users: 2, workers: 1, duration: '20s' });
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('Flaky: unknown provider "nope"');
  });

  it('every invalid option at once', async () => {
    const err = await runFixtureError('tagged.ts', { users: -1, duration: 'soon', bogus: true });
    expect(err.message).toBe(
      'invalid command line:\n  - --users: expected number to be >=0, got -1\n  - --duration: expected a duration like 90s, 5m, 1h or 1m30s, got "soon"\n  - --bogus: unknown option; see docs/cli.md for the list',
    );
  });

  it('a bad bench.config.ts in the working folder', async () => {
    const dir = mkdtempSync(join(tmp, 'cfg-'));
    writeFileSync(join(dir, 'bench.config.ts'), "export default { workers: 'all' };\n");
    const err = await runFixtureError('tagged.ts', {}, { cwd: dir });
    expect(err.message).toBe(`invalid ${join(dir, 'bench.config.ts')}:\n  - workers: expected number, got "all"`);
  });
});

describe('options reach the run', () => {
  it('command line > scenario options > bench.config.ts', async () => {
    const dir = mkdtempSync(join(tmp, 'prec-'));
    writeFileSync(join(dir, 'bench.config.ts'), `export default { host: ${JSON.stringify(target.url)}, users: 3, iterations: 4, workers: 2, stopTimeout: '1s' };\n`);
    const scenario = write(
      'with-options.ts',
      "import { HttpUser, task } from 'volley';\nexport const options = { users: 2, iterations: 6 };\nexport class A extends HttpUser { @task async x() { await this.client.get('/items'); } }\n",
    );
    const r = await runFixture(scenario, { iterations: 8 }, { cwd: dir });
    expect(r.config).toMatchObject({ users: 2, iterations: 8, workers: 2, stopTimeoutMs: 1000, host: target.url });
    expect(r.summary.meta.users).toBe(2);
    expect(r.summary.total.requests).toBe(8);
  });
});
