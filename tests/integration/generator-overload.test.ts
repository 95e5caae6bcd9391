/**
 * A run whose load generator could not keep up says so in summary.json,
 * report.html and a warning, not only in a stderr line while it ran.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runFixture } from '../helpers/run-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'volley-overload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('flags a run whose worker event loop was blocked in every interval', async () => {
  const out = join(dir, 'out');
  const r = await runFixture('busy-generator.ts', { users: 1, workers: 1, duration: '3s', out });
  expect(r.summary.generatorOverloaded).toBe(true);
  const overload = r.summary.generatorOverload!;
  expect(overload.overloadedIntervals).toBeGreaterThanOrEqual(2);
  expect(overload.maxEventLoopDelayMs).toBeGreaterThan(50);
  expect(overload.reason).toMatch(/^the load generator was overloaded in \d+ of \d+ intervals \(worker 0: event-loop delay up to/);
  expect(r.stderr).toContain(`warning: ${overload.reason}`);
  const written = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  expect(written.generatorOverloaded).toBe(true);
  expect(written.warnings).toContain(overload.reason);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  expect(html).toContain('id="generator-overloaded"');
  expect(html).toContain('the load generator was overloaded: latencies include its own delays');
  // The rule adds a flag and a warning; the exit code stays the figures' (docs/summary-json.md).
  expect(r.exitCode).toBe(0);
});
