/** bench run --web: what is refused before anything starts, and --autostart/--autoquit without a browser. */
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
});
