/**
 * `bench run` as a user runs it: the binary, its exit code, its output and the
 * summary.json it writes. Short runs, no timing assertions.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/summary-types.js';
import { bench, startBench } from '../helpers/bench-process.js';
import { SCENARIOS } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
let tmp: string;
beforeAll(async () => {
  target = await startTargetServer();
  tmp = mkdtempSync(join(tmpdir(), 'volley-e2e-'));
});
afterAll(async () => {
  await target.close();
  rmSync(tmp, { recursive: true, force: true });
});

const fixture = (name: string) => join(SCENARIOS, name);
const readSummary = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
let outs = 0;
const outDir = () => join(tmp, `out-${++outs}`);

describe('a successful run', () => {
  let run: Awaited<ReturnType<typeof bench>>;
  let summary: RunSummary;
  const out = join(tmpdir(), `volley-e2e-ok-${process.pid}`);
  beforeAll(async () => {
    run = await bench(['run', fixture('tagged.ts'), '-u', '2', '-w', '2', '-t', '2s', '-H', target.url, '--out', out, '--seed', '7', '--tags', 'browse']);
    summary = readSummary(out);
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('exits 0 and prints the final table on stdout, progress on stderr', () => {
    expect(run.code).toBe(0);
    // 80 columns in a pipe: the columns that do not fit are left out, and the table says so.
    expect(run.stdout).toMatch(/Type\s+Name\s+Requests\s+Failures\s+req\/s\s+(Min\s+)?(Mean\s+)?p50\s+(p90\s+)?p95\s+p99\s+(p99\.9\s+)?Max/);
    for (const line of run.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(run.stdout).toMatch(/GET\s+\/items\s+\d+\s+0/);
    expect(run.stdout).toContain('Aggregated');
    expect(run.stderr).toContain('volley: running');
    expect(run.stderr).toContain('with 2 users on 2 workers for 2s');
    expect(run.stderr).toContain(`results written to ${out}/`);
  });

  it('writes a versioned summary.json with the run metadata', () => {
    expect(summary.version).toBe(1);
    expect(summary.meta).toMatchObject({
      tool: 'volley',
      scenario: fixture('tagged.ts'),
      workers: 2,
      users: 2,
      interrupted: false,
      stopReason: 'duration reached',
      exitCode: 0,
    });
    expect(summary.meta.toolVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(Date.parse(summary.meta.startTime)).toBeLessThanOrEqual(Date.parse(summary.meta.endTime));
    expect(summary.meta.durationMs).toBeGreaterThan(0);
    expect(summary.meta.options).toMatchObject({ users: 2, workers: 2, seed: 7, host: target.url, tags: ['browse'] });
  });

  it('gives each endpoint its counts, rate, bytes and latency statistics in ms', () => {
    expect(summary.endpoints).toHaveLength(1);
    const e = summary.endpoints[0]!;
    expect(Object.keys(e).sort()).toEqual(['aborted', 'bytes', 'failures', 'failuresPerSec', 'latencyMs', 'method', 'name', 'requests', 'rps'].sort());
    expect(e).toMatchObject({ name: '/items', method: 'GET', failures: 0 });
    expect(e.requests).toBeGreaterThan(0);
    expect(e.rps).toBeGreaterThan(0);
    expect(e.bytes).toBeGreaterThan(0);
    const l = e.latencyMs;
    expect(Object.keys(l).sort()).toEqual(['count', 'max', 'mean', 'min', 'p50', 'p90', 'p95', 'p99', 'p999']);
    expect([l.min, l.p50, l.p90, l.p95, l.p99, l.p999, l.max]).toEqual([...[l.min, l.p50, l.p90, l.p95, l.p99, l.p999, l.max]].sort((a, b) => a - b));
    expect(summary.total).toMatchObject({ name: 'Aggregated', method: '', requests: e.requests });
  });

  it('counts task runs, errors and checks', () => {
    expect(summary.tasks).toEqual([{ name: 'list', runs: summary.total.requests, errors: 0 }]);
    expect(summary.errors).toEqual([]);
    expect(summary.checks).toEqual([]);
    expect(summary.history.length).toBeGreaterThan(0);
  });

  it('leaves no temporary file next to summary.json (written atomically)', () => {
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
    expect(readFileSync(join(out, 'summary.json'), 'utf8').endsWith('}\n')).toBe(true);
    // writeFileAtomic's temp files are `.<name>.<pid>.<ms>.tmp` in the same directory.
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('exit codes after a run', () => {
  it('exits 1 when requests failed, and with --exit-code-on-error when given', async () => {
    const args = ['run', fixture('http-features.ts'), '-u', '1', '-w', '1', '--iterations', '2', '-H', target.url];
    const out = outDir();
    const failed = await bench([...args, '--out', out]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('Errors');
    expect(failed.stdout).toContain('wrong body');
    // The same failures, in Locust's failures.csv layout.
    const failures = readFileSync(join(out, 'failures.csv'), 'utf8').trimEnd().split('\n');
    expect(failures[0]).toBe('Method,Name,Error,Occurrences');
    expect(failures.some((l) => l.includes('wrong body'))).toBe(true);
    const custom = await bench([...args, '--exit-code-on-error', '3']);
    expect(custom.code).toBe(3);
  });

  it('exits 0 when the thresholds pass and 99 when one is crossed, with the verdict in summary.json', async () => {
    const args = ['run', fixture('tagged.ts'), '-u', '1', '-w', '1', '--iterations', '10', '-H', target.url];
    const pass = await bench([...args, '--threshold', 'http.p95<30s', '--threshold', 'http.errors.rate<1%']);
    expect(pass.code).toBe(0);
    const out = outDir();
    const fail = await bench([...args, '--threshold', 'http.requests>1000', '--out', out]);
    expect(fail.code).toBe(99);
    expect(fail.stdout).toContain('✗ http.requests>1000');
    const s = readSummary(out);
    expect(s.thresholds).toEqual([{ expression: 'http.requests>1000', ok: false, value: 10 }]);
    expect(s.meta.exitCode).toBe(99);
  });
});

describe('runs that end by themselves, or fail inside Volley', () => {
  it('ends when every user stopped itself with StopUser (--iterations, no -t): "all users stopped"', async () => {
    const out = outDir();
    const r = await bench(['run', fixture('stop-user.ts'), '-u', '2', '--iterations', '10', '-H', target.url, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const s = readSummary(out);
    expect(s.meta.stopReason).toBe('all users stopped');
    expect(s.total.requests).toBe(2);
    expect(s.counters.onStop).toBe(2);
  });

  it('stops at --max-error-rate with the rate in the stop reason, writes the results and exits 1', async () => {
    const out = outDir();
    const r = await bench(['run', fixture('robustness/failing.ts'), '-u', '2', '-w', '1', '-t', '60s', '--max-error-rate', '0.25', '-H', target.url, '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    const s = readSummary(out);
    expect(s.meta.stopReason).toMatch(/^error rate \d+(\.\d)?% exceeded --max-error-rate 25%$/);
    expect(s.total.failures / s.total.requests).toBeGreaterThan(0.25);
    expect(s.meta.exitCode).toBe(1);
    expect(r.stdout).toContain('Aggregated');
    // Thresholds still have the last word.
    const crossed = await bench(['run', fixture('robustness/failing.ts'), '-u', '2', '-w', '1', '-t', '60s', '--max-error-rate', '0.25', '--threshold', 'http.errors.rate<10%', '-H', target.url]);
    expect(crossed.code).toBe(99);
  });

  it('a worker thread that dies during the run: exit 70, the message on stderr, summary.json still written', async () => {
    const out = outDir();
    const r = await bench(['run', fixture('robustness/worker-crash.ts'), '-u', '4', '-w', '2', '-t', '60s', '-H', target.url, '--out', out]);
    expect(r.code, r.stderr).toBe(70);
    expect(r.stderr).toMatch(/internal error: worker 0 died: boom outside any task/);
    const s = readSummary(out);
    expect(s.meta.stopReason).toBe('worker 0 died: boom outside any task');
    expect(s.meta.exitCode).toBe(70);
    expect(s.total.requests).toBeGreaterThan(0);
    expect(r.stdout).toContain('Aggregated');
  });

  it('a load model that throws: exit 70, the message on stderr, summary.json still written', async () => {
    const out = outDir();
    const r = await bench(['run', fixture('robustness/broken-shape.ts'), '-w', '1', '-t', '60s', '-H', target.url, '--out', out]);
    expect(r.code, r.stderr).toBe(70);
    expect(r.stderr).toMatch(/internal error: load model failed: shape broke at \d+ s/);
    const s = readSummary(out);
    expect(s.meta.stopReason).toMatch(/^load model failed: shape broke at \d+ s$/);
    expect(s.meta.exitCode).toBe(70);
    expect(s.total.requests).toBeGreaterThan(0);
  });
});

describe('bad input: one clear message, exit 2, no stack trace', () => {
  const expectUserError = (r: { code: number | null; stdout: string; stderr: string }, message: string | RegExp) => {
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(typeof message === 'string' ? new RegExp(`^error: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) : message);
    expect(r.stderr).not.toContain('    at ');
    expect(r.stderr).not.toContain('internal error');
    expect(r.stdout).toBe('');
  };

  it('a missing scenario file', async () => {
    expectUserError(await bench(['run', 'nope/missing.ts']), `scenario file not found: ${join(process.cwd(), 'nope/missing.ts')}`);
  });

  it('a malformed duration', async () => {
    const r = await bench(['run', fixture('tagged.ts'), '-t', 'abc']);
    expectUserError(r, 'invalid command line:');
    expect(r.stderr).toContain('  - --duration: expected a duration like 90s, 5m, 1h or 1m30s, got "abc"');
  });

  it('a bad option value and an unknown option', async () => {
    const r = await bench(['run', fixture('tagged.ts'), '-u', 'many', '-w', '0']);
    expectUserError(r, 'invalid command line:');
    expect(r.stderr).toContain('  - --users: expected number, got "many"');
    expect(r.stderr).toContain('  - --workers: expected number to be >0, got 0');
    expectUserError(await bench(['run', fixture('tagged.ts'), '--userz', '3']), "unknown option '--userz'");
  });

  it('a bad config file', async () => {
    const file = join(tmp, 'bad.config.ts');
    writeFileSync(file, "export default { users: 'lots', durration: '1m' };\n");
    const r = await bench(['run', fixture('tagged.ts'), '-c', file]);
    expectUserError(r, `invalid ${file}:`);
    expect(r.stderr).toContain('  - users: expected number, got "lots"');
    expect(r.stderr).toContain('  - durration: unknown option; see docs/cli.md for the list');
  });

  it('a scenario with no user class', async () => {
    const r = await bench(['run', fixture('no-user-class.ts')]);
    expectUserError(r, 'no user class found in the scenario');
    expect(r.stderr).toContain('hint: export a class that extends User, HttpUser');
  });

  it('an LLM user class with an unknown provider', async () => {
    const r = await bench(['run', fixture('llm/bad-provider.ts'), '--iterations', '1']);
    expectUserError(r, 'Misconfigured: unknown provider "nope"');
  });

  it('a user class with no tasks', async () => {
    const r = await bench(['run', fixture('no-tasks.ts'), '-H', target.url]);
    expectUserError(r, 'no tasks defined on Idle');
    expect(r.stderr).toContain('hint: decorate a method with @task');
  });

  it('a user class whose constructor throws, named with the message (the worker survives to say so)', async () => {
    const r = await bench(['run', fixture('robustness/bad-constructor.ts'), '-u', '2', '-t', '5s', '-H', target.url]);
    expectUserError(r, 'Shopper: creating a user failed: between(2, 1): expected 0 <= min <= max seconds');
    expect(r.stderr).not.toContain('died');
  });

  it('an HttpUser with no host and no --host', async () => {
    const r = await bench(['run', fixture('robustness/no-host.ts'), '-u', '2', '-t', '5s']);
    expectUserError(r, "Shopper has no host: set `host = 'http://…'` on the class or pass --host");
  });

  it('weights that are not counts, every bad class named', async () => {
    const r = await bench(['run', fixture('robustness/bad-weights.ts'), '-u', '4', '-t', '5s', '-H', target.url]);
    expectUserError(r, 'the user classes have 3 problems:');
    expect(r.stderr).toContain('Negative: static weight must be a number >= 0, got -1');
  });

  it('tags that leave a user class with nothing to run', async () => {
    const r = await bench(['run', fixture('tagged.ts'), '-u', '2', '--iterations', '5', '--tags', 'nothing', '-H', target.url]);
    expectUserError(r, '--tags nothing leaves Tagged with no task to run');
    expect(r.stderr).toContain("hint: the tags on Tagged's tasks: browse, checkout, slow");
  });

  it('a syntax error, with file:line:col and the code line', async () => {
    const file = join(tmp, 'broken.ts');
    writeFileSync(file, "import { HttpUser, task } from 'volley';\nexport class A extends HttpUser {\n  @task async x() { await this.client.get('/' }\n}\n");
    const r = await bench(['run', 'broken.ts'], { cwd: tmp });
    expectUserError(r, `scenario ${file} does not compile:`);
    expect(r.stderr).toContain('broken.ts:3:47: Expected ")" but found "}"');
    expect(r.stderr).toContain("  3 |   @task async x() { await this.client.get('/' }");
  });

  it('an unreachable host', async () => {
    const r = await bench(['run', fixture('tagged.ts'), '-H', 'http://127.0.0.1:1']);
    expectUserError(r, 'cannot reach host http://127.0.0.1:1: connection refused');
    expect(r.stderr).toContain('hint: check that the server is running');
  });
});

describe('SIGINT', () => {
  it('stops promptly on the first Ctrl-C, writes summary.json marked interrupted, and exits 130', async () => {
    const out = outDir();
    // -t 10m: only the signal can end the run before the test times out.
    const p = startBench(['run', fixture('tagged.ts'), '-u', '2', '-w', '1', '-t', '10m', '-H', target.url, '--out', out]);
    await p.waitForStderr(/\[\d+s\/10m\] users/);
    p.child.kill('SIGINT');
    const code = await p.exited;
    expect(code).toBe(130);
    expect(p.stderr()).toContain('stopping: finishing in-flight requests');
    const s = readSummary(out);
    expect(s.meta.interrupted).toBe(true);
    expect(s.meta.stopReason).toBe('interrupted');
    expect(s.total.requests).toBeGreaterThan(0);
    expect(p.stdout()).toContain('Aggregated');
  });
});
