/**
 * The TUI as a person sees it in a real terminal (tmux, capture-pane): a wide
 * terminal's width goes to the charts, p50 and p95 differ without colour,
 * elapsed and remaining add up, a sweep shows its stage number, and the screen
 * shows at once while the scenario is bundled. Waits poll the screen (bounded).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const socket = `volley-tui-layout-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
let sessions = 0;

function start(cmd: string, width: number, height: number, cwd = root): string {
  const session = `s${++sessions}`;
  tmux('new-session', '-d', '-s', session, '-x', String(width), '-y', String(height), '-c', cwd, `${cmd}; echo "EXIT=$?"; sleep 60`);
  return session;
}

async function waitFor(session: string, what: string, ok: (text: string) => boolean, ms = 20_000): Promise<string> {
  const deadline = Date.now() + ms;
  let text = '';
  while (Date.now() < deadline) {
    text = tmux('capture-pane', '-p', '-t', session);
    if (ok(text)) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; the screen shows:\n${text}`);
}

describe.skipIf(!hasTmux)('TUI layout and labels (tmux)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'volley-tui-layout-'));
  afterAll(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('at 200 columns: the charts get half the width, p50 is marked apart from p95, the sweep stage and time add up', async () => {
    const s = start(`'${process.execPath}' scripts/run-ts.mjs tests/fixtures/tui-demo.ts`, 200, 50);
    const text = await waitFor(s, 'the charts with data', (t) => t.includes('Aggregated') && /elapsed [1-9]/.test(t));
    const rows = text.split('\n');
    const chartsAt = rows.find((r) => r.includes('┌─ Over time'))!.indexOf('┌─ Over time');
    // Before: 72 columns on the right (from column 128), with the left column mostly empty rows.
    expect(chartsAt).toBeLessThanOrEqual(100);
    expect(text).toMatch(/█ p95 ms \S+ +▒ p50 ms \S+ \(under\)/);
    expect(text).toContain('▒');
    expect(text).toMatch(/stage [1-4]\/4/);
    const m = /elapsed (\d+)s .*remaining (\d+)s of 20s/.exec(text)!;
    expect(Number(m[1]) + Number(m[2])).toBe(20);
    tmux('send-keys', '-t', s, 'q');
    await waitFor(s, 'the demo to exit', (t) => t.includes('EXIT='));
  });

  it('shows the screen at once, saying what it does, while the scenario is bundled', async () => {
    // A config whose loading takes 3 s: the TUI is up before bundling ends.
    writeFileSync(join(tmp, 'bench.config.ts'), "await new Promise((r) => setTimeout(r, 3000));\nexport default {};\n");
    writeFileSync(join(tmp, 's.ts'), "import { HttpUser, task } from 'volley';\nexport class A extends HttpUser { host = 'mock'; @task async a() { await this.client.get('/health'); } }\n");
    const s = start(`env -u CI '${process.execPath}' '${join(root, 'bin/bench.js')}' run s.ts -u 1 -w 1 -t 2s`, 120, 40, tmp);
    const early = await waitFor(s, 'the bundling screen', (t) => t.includes('bundling the scenario…') || t.includes('EXIT='));
    expect(early).toContain('VOLLEY');
    expect(early).toContain('bundling the scenario…');
    const end = await waitFor(s, 'the run to end', (t) => t.includes('EXIT='), 30_000);
    expect(end).toContain('EXIT=0');
    expect(end).toContain('Ended: duration reached · exit code 0');
  });
});
