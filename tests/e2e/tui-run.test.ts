/**
 * The real `bench run` in a real terminal (tmux): the TUI fills its endpoint
 * table from the running engine, `q` stops the run gracefully, the final table
 * lands on the normal screen and summary.json is written. No timing assertions:
 * every wait polls the screen (bounded).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const socket = `volley-tui-run-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });

async function waitFor(session: string, what: string, ok: (text: string) => boolean, ms = 30_000): Promise<string> {
  const deadline = Date.now() + ms;
  let text = '';
  while (Date.now() < deadline) {
    text = tmux('capture-pane', '-p', '-t', session);
    if (ok(text)) return text;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}; the screen shows:\n${text}`);
}

describe.skipIf(!hasTmux)(`bench run with the live TUI (tmux)${hasTmux ? '' : ' (skipped: tmux is not installed; apt-get install -y tmux)'}`, () => {
  const out = mkdtempSync(join(tmpdir(), 'volley-tui-run-'));
  afterAll(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    rmSync(out, { recursive: true, force: true });
  });

  it('shows live figures, stops on q, prints the final table and writes summary.json', async () => {
    // CI=true would force headless mode; the terminal is real here, so unset it for the child.
    const cmd = `env -u CI '${process.execPath}' bin/bench.js run scenarios/quickstart.ts -u 4 -t 60s --out '${out}'; echo "EXIT=$?"; sleep 60`;
    tmux('new-session', '-d', '-s', 'run', '-x', '160', '-y', '48', '-c', root, cmd);
    const live = await waitFor('run', 'the endpoint table with requests', (t) => /Aggregated\s+[1-9]/.test(t.replace(/[│|]/g, ' ')));
    expect(live).toContain('VOLLEY');
    expect(live).toContain('/v1/models');
    tmux('send-keys', '-t', 'run', 'q');
    const end = await waitFor('run', 'the run to exit', (t) => t.includes('EXIT='));
    expect(end).toContain('Response times (ms)');
    expect(end).toMatch(/EXIT=130\b/);
    // The final output says how the run ended, not a table that looks like a normal run's.
    expect(end).toContain('INTERRUPTED (stopped by user)');
    expect(end).toContain('Interrupted: stopped by user · exit code 130');
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { meta: { interrupted: boolean }; total: { requests: number } };
    expect(summary.meta.interrupted).toBe(true);
    expect(summary.total.requests).toBeGreaterThan(0);
  });
});
