/**
 * What `bench run` starts early to get to the first request sooner (docs/benchmarks.md#start-up):
 * worker threads sized from the command line, and the scenario's bundle. A guess the config
 * file or the scenario overrules must still give the run they ask for, and a start that fails
 * must not hang on the threads it started.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/summary-types.js';
import { bench } from '../helpers/bench-process.js';
import { SCENARIOS } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';
import { startRun } from '../../src/run/start-run.js';
import { WorkerThreads } from '../../src/pool/pool.js';
import { UserError } from '../../src/errors.js';

let target: TargetServer;
let tmp: string;
beforeAll(async () => {
  target = await startTargetServer();
  tmp = mkdtempSync(join(tmpdir(), 'volley-e2e-start-'));
});
afterAll(async () => {
  await target.close();
  rmSync(tmp, { recursive: true, force: true });
});

const readSummary = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;

describe('threads started from the command line', { timeout: 60_000 }, () => {
  it('a config file that sets fewer workers than -u suggests: the run uses the config', async () => {
    const project = mkdtempSync(join(tmp, 'project-'));
    writeFileSync(join(project, 'bench.config.ts'), "export default { workers: 1 };\n");
    const out = join(project, 'out');
    // -u 3 starts a thread per core (up to 3) before the config is read; the config's workers: 1 wins.
    const r = await bench(['run', join(SCENARIOS, 'stop-user.ts'), '-u', '3', '--iterations', '10', '-H', target.url, '--out', out], { cwd: project });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('with 3 users on 1 workers');
    const s = readSummary(out);
    expect(s.meta.workers).toBe(1);
    expect(s.total.requests).toBe(3);
    expect(s.counters.onStop).toBe(3);
  });

  it('a scenario that does not compile, with threads started ahead: exit 2 with the compile error', async () => {
    const bad = join(tmp, 'broken.ts');
    writeFileSync(bad, 'export class Broken extends {\n');
    const r = await bench(['run', bad, '-u', '2', '-w', '2', '-t', '1s', '-H', target.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.ts:\d+:\d+: Expected identifier/);
  });
});

describe('threads that cannot start', { timeout: 60_000 }, () => {
  it('a worker that fails to load (a broken install): the run says so and exits, it does not wait for ever', () => {
    // A copy of the package whose dist/worker.js throws as it loads.
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const copy = mkdtempSync(join(tmp, 'broken-install-'));
    for (const part of ['package.json', 'bin', 'dist']) cpSync(join(root, part), join(copy, part), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
    const worker = join(copy, 'dist', 'worker.js');
    writeFileSync(worker, `throw new Error('broken install');\n${readFileSync(worker, 'utf8')}`);
    // -u 1: a thread is started ahead, and has failed by the time the run would take it.
    const r = spawnSync(process.execPath, [join(copy, 'bin', 'bench.js'), 'run', join(SCENARIOS, 'stop-user.ts'), '-u', '1', '--iterations', '1', '-H', target.url], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, CI: 'true' } });
    expect(r.signal, 'still running after 30 s').toBeNull();
    expect(r.stderr).toContain('worker 0 died: broken install');
    expect(r.status).not.toBe(0);
  });
});

describe('startRun with threads started by the caller', { timeout: 60_000 }, () => {
  it('ends them when the run cannot start', async () => {
    const threads = new WorkerThreads(1);
    await expect(startRun({ scenario: join(tmp, 'missing.ts'), options: { users: 1, duration: '1s' }, threads })).rejects.toBeInstanceOf(UserError);
    // piscina's own view: a destroyed pool has no threads left.
    await expect.poll(() => threads.piscina.threads.length).toBe(0);
  });
});
