/** bench run --web: what is refused before anything starts, and --autostart/--autoquit without a browser. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bench, startBench } from '../helpers/bench-process.js';
import { startTargetServer } from '../helpers/target-server.js';

describe('bench run --web flags', () => {
  it('exits 2 for a non-loopback bind without auth, before the run or the server starts', async () => {
    const target = await startTargetServer();
    try {
      const r = await bench(['run', 'tests/fixtures/scenarios/web-login.ts', '--web', '--web-host', '0.0.0.0', '--web-port', '0', '-u', '1', '-t', '2s', '-H', target.url], { env: { VOLLEY_WEB_AUTH: '' } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--web-auth');
      expect(r.stderr).not.toContain('web UI: http');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(target.hits.size).toBe(0);
    } finally {
      await target.close();
    }
  });

  it('names a bad flag at once (exit 2), not when Start is pressed', async () => {
    const r = await bench(['run', 'tests/fixtures/scenarios/web-login.ts', '--web', '--web-port', '0', '-u', 'many', '-t', '1s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--users|-u/);
    expect(r.stderr).not.toContain('web UI: http');
  });

  it('refuses --autostart without --web (exit 2)', async () => {
    const r = await bench(['run', 'tests/fixtures/scenarios/web-login.ts', '--autostart', '-u', '1', '-t', '1s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--autostart: only with --web');
  });

  it('--autostart runs at once and --autoquit exits with the run\'s code after the run', async () => {
    const target = await startTargetServer();
    try {
      const p = startBench(['run', 'tests/fixtures/scenarios/web-login.ts', '--web', '--web-port', '0', '--autostart', '--autoquit', '1', '-u', '2', '-t', '2s', '-H', target.url]);
      await p.waitForStderr(/web UI: http:\/\/127\.0\.0\.1:\d+\//);
      expect(await p.exited).toBe(0);
      expect(target.hits.get('POST /login')).toBe(2);
      expect(p.stderr()).toMatch(/run done \(exit code 0\)/);
    } finally {
      await target.close();
    }
  }, 60_000);

  it('drives a real open-model run through the JSON API: stats, rate, reset, stop, files', async () => {
    const target = await startTargetServer();
    const p = startBench(['run', 'tests/fixtures/scenarios/web-login.ts', '--web', '--web-port', '0', '--autostart', '--rate', '20/s', '-t', '60s', '-H', target.url]);
    try {
      await p.waitForStderr(/web UI: http:\/\/\S+/);
      const url = /web UI: (http:\/\/\S+)/.exec(p.stderr())![1]!;
      const origin = url.replace(/\/$/, '');
      const post = async (path: string, body: unknown) => {
        const res = await fetch(new URL(path, url), { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify(body) });
        return { status: res.status, body: (await res.json()) as { error?: string; state?: string } };
      };
      const stats = async () => {
        const res = await fetch(new URL('/api/stats', url));
        return res.status === 200 ? ((await res.json()) as { total: { requests: number } }).total.requests : 0;
      };
      await expect.poll(stats, { timeout: 20_000 }).toBeGreaterThan(0);
      expect(await post('/api/rate', { rate: '40/s' })).toMatchObject({ status: 200, body: { state: 'running' } });
      const users = await post('/api/users', { users: 3 });
      expect(users.status).toBe(400);
      expect(users.body.error).toMatch(/^users: this run has an open model/);
      expect((await post('/api/rate', { rate: 'lots' })).body.error).toMatch(/^rate: /);
      expect((await post('/api/reset', {})).status).toBe(200);
      expect((await post('/api/stop', { reason: 'enough' })).status).toBe(200);
      await expect.poll(async () => ((await (await fetch(new URL('/api/state', url))).json()) as { state: string }).state, { timeout: 20_000 }).toBe('done');
      const summary = (await (await fetch(new URL('/api/files/summary.json', url))).json()) as { actions: Array<{ action: string; ratePerSec?: number; reason?: string }> };
      expect(summary.actions.map((a) => a.action)).toEqual(['setRate', 'resetStats', 'stop']);
      expect(summary.actions[0]!.ratePerSec).toBe(40);
      expect(summary.actions[2]!.reason).toBe('enough');
      expect(await (await fetch(new URL('/api/files/stats.csv', url))).text()).toContain('/items');
      p.child.kill('SIGINT');
      expect(await p.exited).toBe(130);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
      await target.close();
    }
  }, 60_000);

  it('Ctrl-C during the run stops it, writes its results and exits 130 without keeping the page', async () => {
    const target = await startTargetServer();
    const out = mkdtempSync(join(tmpdir(), 'volley-web-'));
    const p = startBench(['run', 'tests/fixtures/scenarios/web-login.ts', '--web', '--web-port', '0', '--autostart', '-u', '2', '-t', '60s', '-H', target.url, '--out', out]);
    try {
      await p.waitForStderr(/web UI: http:\/\/\S+/);
      await expect.poll(() => target.hits.get('GET /items') ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
      p.child.kill('SIGINT');
      expect(await p.exited).toBe(130);
      expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).meta.interrupted).toBe(true);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
      await target.close();
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('a second Ctrl-C aborts the requests in flight, counts them and writes every file, as bench run does', async () => {
    const target = await startTargetServer();
    const out = mkdtempSync(join(tmpdir(), 'volley-web-'));
    // Requests of 10 s (GET /slow/10000): in flight whenever the signals come; a stop timeout longer than the test.
    const p = startBench(['run', 'tests/fixtures/scenarios/hangs/slow-requests.ts', '--web', '--web-port', '0', '--autostart', '-u', '3', '-w', '1', '-t', '10m', '--stop-timeout', '5m', '-H', target.url, '--out', out]);
    try {
      await p.waitForStderr(/web UI: http:\/\/\S+/);
      await expect.poll(() => target.hits.get('GET /slow/10000') ?? 0, { timeout: 20_000 }).toBe(3);
      p.child.kill('SIGINT');
      await p.waitForStderr(/stopping: finishing in-flight requests/);
      p.child.kill('SIGINT');
      expect(await p.exited).toBe(130);
      for (const f of ['summary.json', 'stats.csv', 'history.csv', 'failures.csv', 'junit.xml', 'report.html']) expect(existsSync(join(out, f)), f).toBe(true);
      const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      expect(s.meta.stopReason).toMatch(/^interrupted twice/);
      expect(s.total.aborted).toBe(3);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
      await target.close();
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
