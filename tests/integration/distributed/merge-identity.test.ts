/**
 * bench merge knows one run by the content of its scenario and by its plan,
 * not by the path the scenario was given by; and a merge missing a segment is
 * marked in summary.json, report.html, junit.xml and the exit code.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../../src/cli/run.js';
import { mergeRuns } from '../../../src/distributed/merge/index.js';
import { ExitCode } from '../../../src/errors.js';
import { caught } from '../../helpers/caught.js';
import { startTargetServer, type TargetServer } from '../../helpers/target-server.js';

const fixture = fileURLToPath(new URL('../../fixtures/scenarios/distributed/one-task.ts', import.meta.url));
const quiet = { stdout: { write: () => true } as unknown as NodeJS.WritableStream, stderr: { write: () => true } as unknown as NodeJS.WritableStream };

let target: TargetServer;
let dir: string;
beforeAll(async () => {
  target = await startTargetServer();
  dir = mkdtempSync(join(tmpdir(), 'volley-merge-id-'));
});
afterAll(async () => {
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `scenario` (as given, from `cwd`) into a fresh results folder; returns the folder. */
async function run(name: string, scenario: string, cwd: string, options: Record<string, unknown>): Promise<string> {
  const out = join(dir, name);
  const r = await runScenario({ scenario, cwd, options: { workers: 1, host: target.url, headless: true, out, seed: 1, ...options } }, quiet);
  expect(r.exitCode).toBe(0);
  return out;
}

describe('bench merge: one scenario, one plan', () => {
  it('merges the same scenario given by another path, and refuses another file at the same path', async () => {
    const a = join(dir, 'machine-a');
    const b = join(dir, 'machine-b', 'checkout');
    const c = join(dir, 'machine-c');
    for (const d of [a, b, c]) mkdirSync(d, { recursive: true });
    cpSync(fixture, join(a, 'load.ts'));
    cpSync(fixture, join(b, 'elsewhere.ts'));
    writeFileSync(join(c, 'load.ts'), readFileSync(fixture, 'utf8').replace('async get()', 'async fetch()'));
    const seg = (i: number) => ({ users: 2, iterations: 10, segment: `${i}/2` });
    const ra = await run('same-a', 'load.ts', a, seg(1));
    const rb = await run('same-b', join(b, 'elsewhere.ts'), dir, seg(2));
    const merged = mergeRuns({ inputs: [ra, rb], out: join(dir, 'same-merged') });
    expect(merged.summary.total.requests).toBe(10);
    expect(merged.exitCode).toBe(0);

    const rc = await run('other-c', 'load.ts', c, seg(2));
    const err = caught(() => mergeRuns({ inputs: [ra, rc], out: join(dir, 'other-merged') }));
    expect((err as Error).message).toMatch(/^cannot merge results of different scenarios: .*same-a ran "load\.ts" \(sources [0-9a-f]{16}\) but .*other-c ran "load\.ts" \(sources [0-9a-f]{16}\)$/);
    expect((err as { hint?: string }).hint).toMatch(/the files at that path differ/);
  });

  it('refuses segments of different plans, naming the options that differ', async () => {
    const one = await run('plan-1', fixture, dir, { users: 4, duration: '1s', segment: '1/2' });
    const two = await run('plan-2', fixture, dir, { users: 2, duration: '2s', segment: '2/2' });
    const err = caught(() => mergeRuns({ inputs: [one, two], out: join(dir, 'plans-merged') }));
    expect((err as Error).message).toMatch(/^cannot merge segments of different plans: users is 4 in .*plan-1 but 2 in .*plan-2; durationMs is 1000 in .*plan-1 but 2000 in .*plan-2/);
  });

  it('marks a merge missing a segment in summary.json, report.html, junit.xml and the exit code', async () => {
    const seg = (i: number) => ({ users: 3, iterations: 30, segment: `${i}/3` });
    const parts = [await run('gap-1', fixture, dir, seg(1)), await run('gap-3', fixture, dir, seg(3))];
    const out = join(dir, 'gap-merged');
    const r = mergeRuns({ inputs: parts, out });
    expect(r.exitCode).toBe(ExitCode.MergeIncomplete);
    expect(r.exitCode).toBe(98);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.meta.incomplete).toEqual(['nothing covers 1/3:2/3']);
    expect(summary.meta.exitCode).toBe(98);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('incomplete: the segments merged are not the whole plan (nothing covers 1/3:2/3)');
    expect(html).toMatch(/class="badge failed"/);
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testcase classname="volley\.merge" name="the segments merged make up the whole plan" time="0">\n\s+<failure type="MergeIncomplete"/);
  });
});
