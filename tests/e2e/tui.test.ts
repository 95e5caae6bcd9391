/**
 * Drives the live TUI the way a person does: in a real terminal (tmux), reading
 * the screen and pressing keys. The snapshots come from tests/fixtures/tui-demo.ts;
 * a `bench run` TUI test belongs with the engine. No timing assertions: every
 * wait polls the screen until what it expects shows, up to 15 s.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
// A server of our own: the test never touches the tmux sessions of the person running it.
const socket = `volley-tui-test-${process.pid}`;
let sessions = 0;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
}

/** Starts the demo in a fresh terminal of the given size; the shell then prints its exit status and waits. */
function startDemo(width: number, height: number, demoArgs = ''): string {
  const session = `tui${++sessions}`;
  const demo = `'${process.execPath}' scripts/run-ts.mjs tests/fixtures/tui-demo.ts ${demoArgs}`;
  tmux('new-session', '-d', '-s', session, '-x', String(width), '-y', String(height), '-c', root, `${demo}; echo "EXIT=$?"; sleep 60`);
  return session;
}

const screen = (session: string): string => tmux('capture-pane', '-p', '-t', session);
const paneFlag = (session: string, flag: string): string => tmux('display-message', '-p', '-t', session, `#{${flag}}`).trim();

async function waitFor(session: string, what: string, ok: (text: string) => boolean): Promise<string> {
  const deadline = Date.now() + 15_000;
  let text = '';
  while (Date.now() < deadline) {
    text = screen(session);
    if (ok(text)) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; the screen shows:\n${text}`);
}

if (!hasTmux) console.warn('tests/e2e/tui.test.ts skipped: tmux is not installed (apt-get install -y tmux)');
const title = hasTmux ? 'live TUI in a terminal (tmux)' : 'live TUI in a terminal (skipped: tmux is not installed; apt-get install -y tmux)';

describe.skipIf(!hasTmux)(title, () => {
  afterAll(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
  });

  it('shows the endpoint table, switches panels, and on q stops gracefully and prints the final table on the normal screen', async () => {
    const s = startDemo(160, 48);
    const first = await waitFor(s, 'the endpoint table', (t) => t.includes('Aggregated') && t.includes('/api/products'));
    expect(first).toContain('Over time');
    tmux('send-keys', '-t', s, '2');
    await waitFor(s, 'the endpoints panel', (t) => t.includes('[Endpoints]'));
    tmux('send-keys', '-t', s, '4');
    await waitFor(s, 'the LLM panel', (t) => t.includes('[LLM]') && t.includes('TTFT') && t.includes('Output tokens/s'));
    tmux('send-keys', '-t', s, 'q');
    const end = await waitFor(s, 'the demo to exit', (t) => t.includes('EXIT='));
    expect(end).toContain('FINAL TABLE');
    expect(end).toContain('STOP REQUESTED');
    expect(end).toContain('EXIT=0');
    // Back on the normal screen with the cursor shown: the TUI's frames are gone.
    expect(end).not.toContain('Aggregated');
    expect(paneFlag(s, 'alternate_on')).toBe('0');
    expect(paneFlag(s, 'cursor_flag')).toBe('1');
  });

  it('fits an 80x24 terminal, and a second q quits at once with the terminal restored', async () => {
    const s = startDemo(80, 24);
    const shown = await waitFor(s, 'the endpoint table', (t) => t.includes('Aggregated') && t.includes('Over time'));
    // Header on the first row, panel tabs on the last: nothing pushed off the screen.
    const rows = shown.split('\n');
    expect(rows[0]).toContain('VOLLEY');
    expect(rows[23]).toContain('1 Overview');
    tmux('send-keys', '-t', s, 'q', 'q');
    const end = await waitFor(s, 'the demo to exit', (t) => t.includes('EXIT='));
    expect(end).toContain('EXIT=130');
    expect(end).not.toContain('FINAL TABLE');
    expect(paneFlag(s, 'alternate_on')).toBe('0');
    expect(paneFlag(s, 'cursor_flag')).toBe('1');
  });

  it('gives the terminal back before an uncaught error is printed', async () => {
    const s = startDemo(100, 30, '--crash');
    const end = await waitFor(s, 'the demo to crash', (t) => t.includes('EXIT='));
    expect(end).toContain('DEMO CRASH');
    expect(end).toContain('EXIT=1');
    expect(paneFlag(s, 'alternate_on')).toBe('0');
  });
});
