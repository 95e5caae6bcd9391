// Issue 10: what the web page costs the browser per live update, with 5 and with
// 200 endpoints, and with an hour of chart history (3,600 points a series): the
// main-thread time Chromium spends per snapshot (CDP TaskDuration), which must
// stay well under the 1,000 ms between snapshots for the page to stay smooth.
// Needs /usr/bin/chromium. `node scripts/run-ts.mjs bench/web-ui.ts`
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { LiveSnapshot } from '../src/metrics/live-snapshot.js';
import type { EndpointSummary, RunSummary } from '../src/metrics/summary-types.js';
import type { RunHandle, RunOutcome } from '../src/run/handle.js';
import { startWebUi } from '../src/web/server.js';

const UPDATES = 30;
const summary = JSON.parse(readFileSync('tests/fixtures/summaries/http-shop.json', 'utf8')) as RunSummary;

function fakeHandle(): RunHandle & { emit(s: LiveSnapshot): void } {
  const listeners = new Set<(s: LiveSnapshot) => void>();
  const h = {
    state: 'running' as const,
    lastSnapshot: undefined as LiveSnapshot | undefined,
    actions: [],
    snapshots: () => ({ [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true as const, value: undefined }) }) }),
    onSnapshot: (l: (s: LiveSnapshot) => void) => (listeners.add(l), () => listeners.delete(l)),
    emit(s: LiveSnapshot) {
      h.lastSnapshot = s;
      for (const l of listeners) l(s);
    },
    setUsers() {},
    setRate() {},
    stop() {},
    resetStats() {},
    stopNow() {},
    done: new Promise<RunOutcome>(() => {}),
  };
  return h;
}

function snapshot(t: number, endpoints: number): LiveSnapshot {
  const base = summary.endpoints[0]!;
  const eps: EndpointSummary[] = Array.from({ length: endpoints }, (_, i) => ({ ...base, name: `/api/v1/resource-${i}`, requests: 1000 + ((i * 7919 + t) % 500) }));
  return {
    scenario: 'bench.ts', elapsedMs: t * 1000, users: 50, targetUsers: 50, workers: 2, endpoints: eps, total: summary.total,
    currentRps: Object.fromEntries(eps.map((e) => [`GET ${e.name}`, 10 + (t % 5)])),
    interval: { rps: 500 + (t % 50), failuresPerSec: t % 3, p50Ms: 10 + (t % 7), p95Ms: 30 + (t % 11), p99Ms: 60 + (t % 13) },
    errors: summary.errors, checks: summary.checks ?? [], health: [{ index: 0, cpu: 0.4, eventLoopDelayMs: 3, users: 25 }, { index: 1, cpu: 0.4, eventLoopDelayMs: 3, users: 25 }],
  };
}

async function measureCase(label: string, endpoints: number, historySeconds: number): Promise<void> {
  const handle = fakeHandle();
  const ui = await startWebUi({ port: 0, scenario: 'bench.ts', defaults: {}, openModel: false, start: async () => handle });
  await ui.startNow();
  // The history a page finds when it connects (sent as one `history` event).
  for (let t = 1; t <= historySeconds; t++) handle.emit(snapshot(t, endpoints));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(ui.url);
  await page.waitForTimeout(1000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const task = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
  const before = await task();
  for (let i = 1; i <= UPDATES; i++) {
    handle.emit(snapshot(historySeconds + i, endpoints));
    await page.waitForTimeout(100);
  }
  await page.waitForTimeout(500);
  const perUpdate = ((await task()) - before) / UPDATES;
  const rows = await page.locator('#endpoints tbody tr').count();
  console.log(`${label.padEnd(42)} ${perUpdate.toFixed(1).padStart(7)} ms main-thread per update   (${rows} table rows)`);
  await browser.close();
  await ui.close();
}

console.log(`Chromium main-thread time per live update (CDP TaskDuration over ${UPDATES} updates; a snapshot comes once a second)`);
await measureCase('5 endpoints, 10 s of history', 5, 10);
await measureCase('200 endpoints, 10 s of history', 200, 10);
await measureCase('5 endpoints, 1 h of history (3,600 points)', 5, 3600);
await measureCase('200 endpoints, 1 h of history (3,600 points)', 200, 3600);
