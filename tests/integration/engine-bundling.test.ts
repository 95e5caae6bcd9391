/**
 * Scenarios are bundled with esbuild: relative imports, npm packages and plain
 * JavaScript (decorator-free) work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFixture } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
beforeAll(async () => {
  target = await startTargetServer();
});
afterAll(() => target.close());

describe('bundling scenarios', () => {
  it('bundles relative imports and npm packages', async () => {
    const r = await runFixture('imports.ts', { host: target.url, users: 1, workers: 1, iterations: 3 });
    expect(r.exitCode).toBe(0);
    expect(r.summary.checks).toEqual([{ name: 'body matches the zod schema', passes: 3, fails: 0 }]);
  });

  it('runs a plain JavaScript scenario with static tasks', async () => {
    const r = await runFixture('plain.js', { host: target.url, users: 2, workers: 1, iterations: 10 });
    expect(r.exitCode).toBe(0);
    const names = r.summary.tasks.map((t) => t.name).sort();
    expect(names).toEqual(['health', 'items']);
    expect(r.summary.tasks.reduce((a, t) => a + t.runs, 0)).toBe(10);
    expect(r.summary.checks[0]).toMatchObject({ name: 'root is 200', fails: 0 });
  });
});
