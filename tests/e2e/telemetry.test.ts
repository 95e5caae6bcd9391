/** The telemetry options as a user runs them: the bench binary, its output and files. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { bench } from '../helpers/bench-process.js';
import { SCENARIOS } from '../helpers/run-fixture.js';

let mock: MockServer;
let dir: string;
let taken: Server;
let takenPort: number;
beforeAll(async () => {
  mock = await startMockServer({ ttftMs: 30, itlMs: 5, defaultOutputTokens: 10 });
  dir = mkdtempSync(join(tmpdir(), 'volley-telemetry-e2e-'));
  taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  takenPort = (taken.address() as { port: number }).port;
});
afterAll(async () => {
  await mock.close();
  await new Promise((r) => taken.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const chat = join(SCENARIOS, 'llm/one-chat.ts');

it('--server-metrics, --prometheus-port 0 and a remote-write receiver that is down: the run ends well, says where and what failed', async () => {
  const out = join(dir, 'run');
  const r = await bench(['run', chat, '-H', mock.url, '-u', '1', '-t', '2s', '--headless', '--out', out, '--server-metrics', `${mock.url}/metrics`, '--prometheus-port', '0', '--out-remote-write', 'http://127.0.0.1:1/api/v1/write', '--remote-write-interval', '1s', '--run-id', 'e2e-1']);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/prometheus: Volley's figures at http:\/\/127\.0\.0\.1:\d+\/metrics/);
  expect(r.stderr).toContain('remote write: pushing Volley\'s figures with run_id="e2e-1"');
  // Pushed every second and at the end, warned once.
  expect(r.stderr.match(/--out-remote-write http:\/\/127\.0\.0\.1:1\/api\/v1\/write: push failed/g)?.length).toBe(1);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  expect(summary.server.series.requests_running.max).toBeGreaterThanOrEqual(0);
  expect(summary.server.failures).toBe(0);
  expect(summary.generator.workers.length).toBeGreaterThan(0);
});

it('a --server-metrics that is no URL: exit 2 naming the option', async () => {
  const r = await bench(['run', chat, '-H', mock.url, '-u', '1', '-t', '1s', '--server-metrics', 'localhost:8000/metrics']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--server-metrics (0): expected an http:// or https:// URL');
  expect(r.stderr).toContain('expected an http:// or https:// URL');
  expect(r.stderr).not.toContain('    at ');
});

it('a --prometheus-port in use: exit 2 naming it and how to fix it', async () => {
  const r = await bench(['run', chat, '-H', mock.url, '-u', '1', '-t', '1s', '--prometheus-port', String(takenPort)]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`error: --prometheus-port ${takenPort}: cannot listen on 127.0.0.1:${takenPort} (EADDRINUSE)`);
  expect(r.stderr).toContain('hint: give a free port, or 0 to pick one');
});

it('a server threshold with a statistic it does not have: exit 2 listing the ones it has', async () => {
  const r = await bench(['run', chat, '-H', mock.url, '-u', '1', '-t', '1s', '--threshold', 'server.kv_cache_usage.p95<0.9']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('server.kv_cache_usage.max');
});
