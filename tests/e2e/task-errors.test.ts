/**
 * A task that throws: a task error, apart from the requests (as Locust keeps
 * exceptions apart), shown with the scenario's own file:line (source-mapped to
 * the .ts) in the final table, failures.csv and report.html, with its first
 * frames in summary.json; http thresholds do not count it, tasks.errors does.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/summary-types.js';
import { bench, ROOT } from '../helpers/bench-process.js';
import { SCENARIOS } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

const scenario = join(SCENARIOS, 'guard/task-errors.ts');
// bench runs in ROOT: locations are relative to it.
const file = relative(ROOT, scenario);

let target: TargetServer;
let out: string;
let run: Awaited<ReturnType<typeof bench>>;
let summary: RunSummary;
beforeAll(async () => {
  target = await startTargetServer();
  out = mkdtempSync(join(tmpdir(), 'volley-task-errors-'));
  run = await bench([
    'run', scenario, '-u', '1', '-w', '1', '--iterations', '14', '-H', target.url, '--out', out,
    '--threshold', 'http.errors.rate<1%', '--threshold', 'http.requests>=14', '--threshold', 'tasks.errors<1', '--threshold', 'tasks.errors.rate<60%',
  ]);
  summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
});
afterAll(async () => {
  await target.close();
  rmSync(out, { recursive: true, force: true });
});

describe('task errors', () => {
  it('are not requests: 14 successful requests stay 14 requests with 0 failures', () => {
    expect(summary.total).toMatchObject({ requests: 14, failures: 0 });
    expect(summary.endpoints.map((e) => `${e.method} ${e.name}`)).toEqual(['GET /items']);
    expect(run.stdout).toMatch(/Aggregated\s+14\s+0\s/);
  });

  it('have their own figures: per task in summary.json, a line in the final table', () => {
    expect(summary.tasks).toEqual([{ name: 'mixed', runs: 14, errors: 7 }]);
    expect(run.stdout).toContain('Task errors: 7 (50.0% of 14 task runs)');
  });

  it("name the scenario's own .ts file and line, with its first frames in summary.json", () => {
    const e = summary.errors.find((x) => x.method === 'TASK')!;
    expect(e).toMatchObject({ name: 'mixed', count: 7, message: "Cannot read properties of undefined (reading 'y')", location: `${file}:5` });
    expect(e.frames).toEqual([`readY (${file}:5:17)`, `Careless.mixed (${file}:13:32)`]);
    expect(run.stdout).toMatch(/TASK\s+mixed\s+Cannot read properties of undefined \(reading 'y'\)\n/);
    expect(run.stdout).toContain(`at ${file}:5\n`);
    expect(readFileSync(join(out, 'failures.csv'), 'utf8')).toContain(`TASK,mixed,Cannot read properties of undefined (reading 'y') (at ${file}:5),7`);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(`(at ${file}:5)`);
  });

  it('http thresholds leave them out; tasks.errors and tasks.errors.rate count them', () => {
    expect(summary.thresholds).toEqual([
      expect.objectContaining({ expression: 'http.errors.rate<1%', ok: true, value: 0 }),
      expect.objectContaining({ expression: 'http.requests>=14', ok: true, value: 14 }),
      expect.objectContaining({ expression: 'tasks.errors<1', ok: false, value: 7 }),
      expect.objectContaining({ expression: 'tasks.errors.rate<60%', ok: true, value: 50 }),
    ]);
    expect(run.code).toBe(99);
  });
});
