import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RunSummary } from '../../src/metrics/summary-types.js';
import { writeReports } from '../../src/report/files/write-reports.js';
import { sweepOverShapes } from '../helpers/experiment-fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const fixture = (name: string): RunSummary => JSON.parse(readFileSync(new URL(`../fixtures/summaries/${name}`, import.meta.url), 'utf8'));
const screenshots = new URL('../../test-results/', import.meta.url).pathname;

interface Opened {
  page: Page;
  problems: string[];
  requests: string[];
}

describe.skipIf(!hasChromium)(`report.html in headless Chromium${hasChromium ? '' : ` (skipped: ${CHROMIUM} not found; apt-get install -y chromium)`}`, () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'volley-report-'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes the report, opens it with the network cut off, and collects what went wrong. */
  async function open(summary: RunSummary, name: string): Promise<Opened> {
    const out = join(dir, name);
    writeReports(summary, out, ['html']);
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(join(out, 'report.html')).href, { waitUntil: 'load' });
    return { page, problems, requests };
  }

  /** Every canvas has a Chart with drawn elements, and a size on screen. */
  async function chartsOf(page: Page): Promise<Array<{ id: string; width: number; height: number; chart: boolean; elements: number }>> {
    return page.evaluate(() =>
      Array.from(document.querySelectorAll('canvas')).map((canvas) => {
        const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: unknown[] }; getDatasetMeta(i: number): { data: unknown[] } } | undefined } }).Chart.getChart(canvas);
        const rect = canvas.getBoundingClientRect();
        const elements = chart ? chart.data.datasets.reduce<number>((n, _d, i) => n + chart.getDatasetMeta(i).data.length, 0) : 0;
        return { id: canvas.id, width: rect.width, height: rect.height, chart: chart !== undefined, elements };
      }),
    );
  }

  it('renders every chart of an HTTP run, offline and without console errors', async () => {
    const { page, problems, requests } = await open(fixture('http-shop.json'), 'http');
    const charts = await chartsOf(page);
    expect(charts.map((c) => c.id)).toEqual(['chart-rps', 'chart-latency', 'chart-users', 'chart-latency-histogram']);
    for (const c of charts) {
      expect(c.chart, `${c.id} has a Chart`).toBe(true);
      expect(c.width, `${c.id} width`).toBeGreaterThan(100);
      expect(c.height, `${c.id} height`).toBeGreaterThan(100);
      expect(c.elements, `${c.id} drew points`).toBeGreaterThan(0);
    }
    expect(await page.locator('#verdict').textContent()).toBe('FAILED');
    expect(await page.locator('#endpoints tbody tr').count()).toBe(6);
    expect(await page.locator('#thresholds .pill.fail').count()).toBe(1);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'report.png'), fullPage: true });
    await page.close();
  });

  it('draws a sweep over two traffic shapes as two curves per chart, in the browser', async () => {
    const summary = fixture('llm-sweep.json');
    summary.stages = sweepOverShapes(['D(100,100)', 'D(2000,200)']);
    const { page, problems } = await open(summary, 'llm-shapes');
    const legends = await page.evaluate(() =>
      ['chart-sweep-speed', 'chart-sweep-errors'].map((id) => {
        const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: Array<{ label: string; data: unknown[] }> } } | undefined } }).Chart.getChart(document.getElementById(id) as HTMLCanvasElement)!;
        return chart.data.datasets.map((d) => [d.label, d.data.length]);
      }),
    );
    expect(legends).toEqual([
      [['output speed p50 · D(100,100)', 6], ['output speed p50 · D(2000,200)', 6]],
      [['error rate % · D(100,100)', 6], ['error rate % · D(2000,200)', 6]],
    ]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('renders the LLM figures and the sweep views of a concurrency sweep', async () => {
    const { page, problems, requests } = await open(fixture('llm-sweep.json'), 'llm');
    const charts = await chartsOf(page);
    expect(charts.map((c) => c.id)).toEqual([
      'chart-rps', 'chart-latency', 'chart-users', 'chart-ttft', 'chart-tokens', 'chart-latency-histogram',
      'chart-sweep-speed', 'chart-sweep-ttft', 'chart-sweep-e2e', 'chart-sweep-errors',
    ]);
    for (const c of charts) {
      expect(c.chart && c.width > 100 && c.height > 100 && c.elements > 0, `${c.id} rendered`).toBe(true);
    }
    const llmText = await page.locator('#llm').textContent();
    for (const metric of ['TTFT', 'TPOT', 'ITL', 'E2E', 'Output tokens/s']) expect(llmText).toContain(metric);
    expect(await page.locator('#sweep tbody tr').count()).toBe(6);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'report-llm.png'), fullPage: true });
    await page.close();
  });

  it('draws per-second data as straight segments, p99 dashed on top of p95, a latency histogram of every request, and per-task counts', async () => {
    const summary = fixture('http-shop.json');
    const { page, problems } = await open(summary, 'shapes');
    const seen = await page.evaluate(() => {
      type C = { data: { labels?: string[]; datasets: Array<{ label: string; tension?: number; borderDash?: number[]; order?: number; data: unknown[] }> } };
      const get = (id: string) => (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): C } }).Chart.getChart(document.getElementById(id) as HTMLCanvasElement);
      const lines = ['chart-rps', 'chart-latency', 'chart-users'].flatMap((id) => get(id).data.datasets.map((d) => d.tension));
      const latency = get('chart-latency').data.datasets;
      const histogram = get('chart-latency-histogram').data.datasets[0]!.data as number[];
      return { lines, p99: latency.find((d) => d.label === 'p99'), p95: latency.find((d) => d.label === 'p95'), histogram };
    });
    expect(seen.lines.every((t) => t === 0)).toBe(true);
    expect(seen.p99!.borderDash).toEqual([6, 3]);
    // Chart.js draws lower `order` later, so p99 is on top where it equals p95.
    expect(seen.p99!.order!).toBeLessThan(seen.p95!.order ?? 0);
    expect(seen.histogram.reduce((a, b) => a + b, 0)).toBe(summary.total.requests);
    expect(seen.histogram.filter((n) => n > 0).length).toBeGreaterThan(3);
    const tasks = await page.locator('#tasks tbody tr').allTextContents();
    expect(tasks[0]).toMatch(/^browse\s*2,980\s*69\.6%$/);
    expect(tasks).toHaveLength(3);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('an interrupted LLM run: aborted requests shown as such, the cards agree with each other', async () => {
    const summary = fixture('llm-sweep.json');
    Object.assign(summary.meta, { interrupted: true, stopReason: 'stopped by user', exitCode: 130 });
    summary.endpoints[0]!.aborted = 5;
    summary.llm!.errorsByKind = { ...summary.llm!.errorsByKind, aborted: 5 };
    const { page, problems } = await open(summary, 'interrupted');
    expect(await page.locator('#verdict').textContent()).toBe('INTERRUPTED');
    const cards = await page.locator('.cards').first().textContent();
    expect(cards).toMatch(/Aborted\s*5\s*in flight at the stop/);
    const llm = await page.locator('#llm').textContent();
    expect(llm).toMatch(/LLM errors\s*4\s*1\.65% of requests · 5 more aborted at the stop \(not errors\)/);
    // Errors by kind lists errors only: the aborted requests are not among them.
    expect(llm).toMatch(/Errors by kind: http_429 3, timeout 1(?!, aborted)/);
    expect(llm).not.toMatch(/aborted 5/);
    expect(problems).toEqual([]);
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'report-interrupted.png'), fullPage: true });
    await page.close();
  });

  it('shows hostile endpoint, check and error names as text', async () => {
    const summary = fixture('llm-sweep.json');
    const evil = '<img src=x onerror="window.__xss=1">';
    summary.meta.scenario = `</title><script>window.__xss=2</script>`;
    summary.endpoints[0]!.name = evil;
    summary.checks[0]!.name = `"><svg onload="window.__xss=3">`;
    summary.errors[0]!.message = `</script><script>window.__xss=4</script>`;
    summary.stages![0]!.name = `</script><script>window.__xss=5</script>`;
    summary.history[0]!.stage = summary.stages![0]!.name;
    const { page, problems } = await open(summary, 'xss');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('#endpoints').textContent()).toContain(evil);
    expect(await page.locator('h1').textContent()).toBe(summary.meta.scenario);
    expect(await page.locator('img, svg').count()).toBe(0);
    expect((await chartsOf(page)).every((c) => c.chart)).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("draws the server's figures (--server-metrics) on the run's time axis, with their table and the generator's health", async () => {
    const summary = fixture('llm-sweep.json');
    summary.history = summary.history.map((r, i) => ({ ...r, server: { requests_running: i % 5, requests_waiting: i % 2, kv_cache_usage: (i % 10) / 10, generation_tokens_per_s: 100 + i, 'vllm:num_requests_swapped': 0 } }));
    const stat = { min: 0, max: 4, mean: 2, last: 1, samples: summary.history.length };
    summary.server = { sources: ['http://127.0.0.1:8000/metrics'], scrapes: 40, failures: 2, series: { requests_running: stat, kv_cache_usage: { ...stat, max: 0.9 } } };
    summary.generator = { limits: { cpu: 0.9, eventLoopDelayMs: 50 }, cpuMax: 0.95, eventLoopDelayMaxMs: 12, overloaded: false, workers: [{ index: 0, samples: 40, cpuMean: 0.5, cpuMax: 0.95, eventLoopDelayMeanMs: 3, eventLoopDelayMaxMs: 12, overLimitIntervals: 1 }] };
    const { page, problems, requests } = await open(summary, 'server');
    const charts = await chartsOf(page);
    for (const id of ['chart-server-requests', 'chart-server-cache', 'chart-server-tokens', 'chart-server-other']) {
      const c = charts.find((x) => x.id === id);
      expect(c?.chart, `${id} has a Chart`).toBe(true);
      expect(c!.elements, `${id} drew points`).toBeGreaterThan(0);
    }
    expect(await page.locator('#server tbody tr').count()).toBe(2);
    expect(await page.locator('#server').textContent()).toContain('2 of 40 scrapes failed');
    expect(await page.locator('#generator tbody tr').count()).toBe(1);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
