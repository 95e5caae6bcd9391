/**
 * The web UI in headless Chromium, driven through its accessible names against
 * a real `bench run --web` and a real target server (issue 10, "done when").
 */
import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, startBench, type BenchProcess } from '../helpers/bench-process.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const URL_LINE = /web UI: (http:\/\/\S+)/;

describe.skipIf(!hasChromium)(`bench run --web in headless Chromium${hasChromium ? '' : ` (skipped: ${CHROMIUM} not found; apt-get install -y chromium)`}`, () => {
  let browser: Browser;
  let target: TargetServer;
  let bench: BenchProcess | undefined;

  beforeAll(async () => {
    target = await startTargetServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  /** A page for the run's web UI (not opened yet), and the console errors, warnings and page errors it will show. */
  async function uiPage(run: BenchProcess): Promise<{ page: Page; url: string; problems: string[] }> {
    await run.waitForStderr(URL_LINE);
    const url = URL_LINE.exec(run.stderr())![1]!;
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    return { page, url, problems };
  }

  afterAll(async () => {
    if (bench && bench.child.exitCode === null) bench.child.kill('SIGKILL');
    await browser?.close();
    await target?.close();
  });

  it('starts 5 users, fills the table, goes to 10 users with Apply, stops; no console errors, nothing from the network', async () => {
    bench = startBench(['run', 'tests/fixtures/scenarios/web-login.ts', '--web', '--web-port', '0', '-u', '5', '-r', '50', '-t', '60s', '-H', target.url, '--autoquit', '30']);
    const { page, url, problems } = await uiPage(bench);
    const elsewhere: string[] = [];
    page.on('request', (r) => !r.url().startsWith(url) && !r.url().startsWith('data:') && elsewhere.push(r.url()));
    await page.goto(url);

    // Waits for Start, the form filled from the command line.
    await expect.poll(() => page.getByLabel('Users', { exact: true }).inputValue()).toBe('5');
    expect(await page.getByLabel('Host').inputValue()).toBe(target.url);
    expect(await page.getByLabel('Duration').inputValue()).toBe('60s');
    expect(target.hits.get('POST /login') ?? 0).toBe(0);

    await page.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => page.locator('#endpoints tbody tr').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.locator('#endpoints tbody').textContent(), { timeout: 20_000 }).toContain('/items');
    await expect.poll(() => target.hits.get('POST /login') ?? 0, { timeout: 20_000 }).toBe(5);

    await page.getByLabel('Users', { exact: true }).fill('10');
    await page.getByLabel('Spawn rate').fill('50');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => target.hits.get('POST /login') ?? 0, { timeout: 20_000 }).toBe(10);
    await expect.poll(() => page.locator('#cards').textContent(), { timeout: 10_000 }).toMatch(/Users\s*10/i);
    expect(await page.locator('#message').textContent()).toBe('');

    // Charts drawn by the report's code.
    await expect.poll(() => page.locator('#charts canvas').count()).toBeGreaterThanOrEqual(3);
    // A few seconds of history, so the screenshot shows lines rather than dots.
    const elapsedSec = async () => Number(/Elapsed(\d+) s/.exec((await page.locator('#cards').textContent()) ?? '')?.[1] ?? 0);
    await expect.poll(elapsedSec, { timeout: 20_000 }).toBeGreaterThanOrEqual(6);
    mkdirSync(`${ROOT}test-results`, { recursive: true });
    // Kept for a person to look at (test-results/ is not tracked); docs/web-ui.png is refreshed from it by hand.
    await page.screenshot({ path: `${ROOT}test-results/web-ui.png` });

    await page.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => page.locator('#state').textContent(), { timeout: 20_000 }).toBe('done');
    const summary = await page.evaluate(async () => (await fetch('/api/files/summary.json')).json());
    expect(summary.total.requests).toBeGreaterThan(0);
    expect(summary.meta.stopReason).toBe('stopped from the web UI');
    const state = await page.evaluate(async () => (await fetch('/api/state')).json());
    expect(state.actions.map((a: { action: string; users?: number }) => `${a.action}${a.users ?? ''}`)).toEqual(['setUsers10', 'stop']);
    expect(await page.getByRole('link', { name: 'report.html' }).count()).toBe(1);
    // The page stays up after the run, with its results.
    expect(bench.child.exitCode).toBeNull();

    expect(problems).toEqual([]);
    expect(elsewhere).toEqual([]);
    // Ctrl-C after the run ends the page with the run's own exit code (a Stop counts as interrupted, like Ctrl-C or q).
    bench.child.kill('SIGINT');
    expect(await bench.exited).toBe(state.exitCode);
    expect(state.exitCode).toBe(130);
    expect(target.hits.get('POST /login')).toBe(10);
  }, 90_000);

  it('an LLM run shows its TTFT/TPOT/ITL/E2E table and the TTFT and tokens charts', async () => {
    const llm = startBench(['run', 'tests/fixtures/scenarios/llm/one-chat.ts', '--web', '--web-port', '0', '--autostart', '--autoquit', '30', '-u', '2', '-t', '30s', '-H', 'mock']);
    try {
      const { page, url, problems } = await uiPage(llm);
      await page.goto(url);
      await expect.poll(() => page.locator('#llm').isVisible(), { timeout: 20_000 }).toBe(true);
      const llmTable = (await page.locator('#llm table').textContent()) ?? '';
      for (const metric of ['TTFT', 'TPOT', 'ITL', 'E2E']) expect(llmTable).toContain(metric);
      expect(await page.locator('#llm-rates').textContent()).toMatch(/output [\d.,]+ tokens\/s/);
      await expect.poll(() => page.getByRole('img', { name: 'Time to first token chart' }).count(), { timeout: 20_000 }).toBe(1);
      await expect.poll(() => page.getByRole('img', { name: 'Output tokens per second chart' }).count(), { timeout: 20_000 }).toBe(1);
      await page.getByRole('button', { name: 'Stop' }).click();
      await expect.poll(() => page.locator('#state').textContent(), { timeout: 20_000 }).toBe('done');
      expect(problems).toEqual([]);
      llm.child.kill('SIGINT');
      expect(await llm.exited).toBe(130);
    } finally {
      if (llm.child.exitCode === null) llm.child.kill('SIGKILL');
    }
  }, 90_000);

  it('an LLM run with several request names shows them in "LLM by request name"', async () => {
    const llm = startBench(['run', 'tests/fixtures/scenarios/llm/chat-and-embeddings.ts', '--web', '--web-port', '0', '--autostart', '--autoquit', '30', '-u', '2', '-t', '30s', '-H', 'mock']);
    try {
      const { page, url, problems } = await uiPage(llm);
      await page.goto(url);
      await expect.poll(() => page.locator('#llm-names').isVisible(), { timeout: 20_000 }).toBe(true);
      // The table shows once two names have figures; the third comes with its first request.
      const names = () => page.locator('#llm-names table').textContent();
      for (const name of ['/v1/chat/completions', '/v1/embeddings', 'docs', 'TTFT p50 ms', 'E2E p99 ms']) await expect.poll(names, { timeout: 20_000 }).toContain(name);
      await page.getByRole('button', { name: 'Stop' }).click();
      await expect.poll(() => page.locator('#state').textContent(), { timeout: 20_000 }).toBe('done');
      expect(problems).toEqual([]);
      llm.child.kill('SIGINT');
      expect(await llm.exited).toBe(130);
    } finally {
      if (llm.child.exitCode === null) llm.child.kill('SIGKILL');
    }
  }, 90_000);
});
