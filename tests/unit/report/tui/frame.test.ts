import { describe, expect, it } from 'vitest';
import type { LatencyStats } from '../../../../src/metrics/histogram.js';
import type { LiveSnapshot } from '../../../../src/metrics/live-snapshot.js';
import type { EndpointSummary } from '../../../../src/metrics/summary-types.js';
import { buildFrame, type UiState } from '../../../../src/report/tui/frame.js';
import { LiveHistory } from '../../../../src/report/tui/history.js';
import type { View } from '../../../../src/report/tui/sections/types.js';

const stats = (ms: number): LatencyStats => ({ count: 10, min: ms / 2, mean: ms, p50: ms, p90: ms * 2, p95: ms * 2, p99: ms * 3, p999: ms * 3, max: ms * 4 });
const endpoint = (method: string, name: string, requests: number, failures = 0): EndpointSummary => ({
  method, name, requests, failures, aborted: 0, rps: requests / 10, failuresPerSec: failures / 10, bytes: 0, latencyMs: stats(20),
});

function snapshot(over: Partial<LiveSnapshot> = {}): LiveSnapshot {
  const endpoints = [endpoint('GET', '/small', 5), endpoint('GET', '/big', 500, 3), endpoint('POST', '/{odd} name', 50)];
  return {
    scenario: 'shop.ts', elapsedMs: 10_000, durationMs: 60_000, users: 10, targetUsers: 20, workers: 2,
    endpoints, total: endpoint('', 'Aggregated', 555, 3), currentRps: { 'GET /big': 50 },
    interval: { rps: 55, failuresPerSec: 0.3, p50Ms: 20, p95Ms: 40, p99Ms: 60 },
    errors: [
      { method: 'GET', name: '/big', message: 'HTTP 500: {"error":"boom"}', count: 3 },
      { method: 'GET', name: '/{odd} name', message: 'template {bold} left in', count: 1 },
    ],
    checks: [{ name: 'status is 200', passes: 552, fails: 3 }, { name: 'has {red-fg} in its name', passes: 1, fails: 0 }],
    health: [{ index: 0, cpu: 0.4, eventLoopDelayMs: 2, users: 5 }, { index: 1, cpu: 0.5, eventLoopDelayMs: 3, users: 5 }],
    ...over,
  };
}

function viewOf(s: LiveSnapshot): View {
  const history = new LiveHistory();
  for (let i = 0; i < 30; i++) history.push(s);
  return { snapshot: s, history, endpoints: [...s.endpoints].sort((a, b) => b.requests - a.requests), stagesDone: [] };
}

const ui = (over: Partial<UiState> = {}): UiState => ({ panel: 'overview', scroll: { overview: 0, endpoints: 0, problems: 0, llm: 0 }, help: false, runState: 'running', ...over });

/** What the terminal shows of a tagged line: tags dropped, escaped braces back. */
const visible = (tagged: string): string =>
  tagged.replace(/\{(\/?[\w\- ]*)\}/g, (_m, name: string) => (name === 'open' ? '{' : name === 'close' ? '}' : ''));

function screenText(frame: ReturnType<typeof buildFrame>): string {
  return [...frame.header, ...frame.boxes.flatMap((b) => [b.label, ...b.lines]), ...frame.footer].map(visible).join('\n');
}

describe('buildFrame', () => {
  it('shows an open model\'s arrivals (achieved of asked, dropped) in the header where the line has room', () => {
    const s = snapshot({ arrivals: { targetPerSec: 20, achievedPerSec: 4.9, droppedPerSec: 15, started: 49, dropped: 151 } });
    const wide = buildFrame(viewOf(s), ui(), 160, 48).header.map(visible).join('\n');
    expect(wide).toMatch(/arrivals 4\.9\/20\.0\/s {2}dropped 151/);
    // 80 columns: the figures line keeps what it had and leaves the arrivals out rather than cut them.
    const narrow = buildFrame(viewOf(s), ui(), 80, 24).header.map(visible);
    expect(narrow.join('\n')).not.toContain('dropped');
    for (const l of narrow) expect(l.length).toBeLessThanOrEqual(80);
    expect(buildFrame(viewOf(snapshot()), ui(), 160, 48).header.map(visible).join('\n')).not.toContain('arrivals');
  });

  for (const [width, height] of [[80, 24], [160, 48], [120, 40]]) {
    it(`keeps every line and box inside a ${width}x${height} terminal`, () => {
      for (const panel of ['overview', 'endpoints', 'problems', 'llm'] as const) {
        const f = buildFrame(viewOf(snapshot()), ui({ panel, help: true }), width, height);
        for (const l of [...f.header, ...f.footer]) expect(visible(l).length).toBeLessThanOrEqual(width);
        const bodyBottom = height - f.footer.length;
        for (const b of f.boxes) {
          expect(b.top).toBeGreaterThanOrEqual(f.header.length);
          expect(b.top + b.height).toBeLessThanOrEqual(bodyBottom);
          expect(b.left + b.width).toBeLessThanOrEqual(width);
          const inner = b.width - (b.frame === 'box' ? 2 : 0);
          for (const l of b.lines) expect(visible(l).length, `${panel}/${b.id}: ${visible(l)}`).toBeLessThanOrEqual(inner);
        }
      }
    });
  }

  it('lists endpoints by requests, with the aggregated row last, and shows braces in names as text', () => {
    const f = buildFrame(viewOf(snapshot()), ui({ panel: 'endpoints' }), 120, 40);
    const rows = f.boxes.find((b) => b.id === 'endpoints')!.lines.map(visible);
    expect(rows[1]).toContain('/big');
    expect(rows[2]).toContain('/{odd} name');
    expect(rows[3]).toContain('/small');
    expect(rows[4]).toContain('Aggregated');
  });

  it('scrolls a long endpoint list and says which rows are shown', () => {
    const many = Array.from({ length: 40 }, (_, i) => endpoint('GET', `/e${i}`, 1000 - i));
    const s = snapshot({ endpoints: many });
    const f = buildFrame(viewOf(s), ui({ panel: 'endpoints', scroll: { overview: 0, endpoints: 5, problems: 0, llm: 0 } }), 80, 24);
    const box = f.boxes.find((b) => b.id === 'endpoints')!;
    expect(f.maxScroll).toBeGreaterThan(0);
    expect(box.label).toMatch(/^Endpoints 6–\d+ of 40/);
    expect(visible(box.lines[1])).toContain('/e5 ');
  });

  it('warns that the load generator is the bottleneck when a worker is past 90% CPU or 50 ms loop delay', () => {
    const calm = screenText(buildFrame(viewOf(snapshot()), ui(), 160, 48));
    expect(calm).not.toContain('bottleneck');
    for (const w of [{ cpu: 0.95, eventLoopDelayMs: 1 }, { cpu: 0.2, eventLoopDelayMs: 80 }]) {
      const s = snapshot({ health: [{ index: 0, users: 1, ...w }] });
      for (const [width, height] of [[160, 48], [80, 24]]) {
        const text = screenText(buildFrame(viewOf(s), ui(), width, height)).replace(/\s+/g, ' ');
        expect(text).toContain('the load generator is the bottleneck: figures may be wrong; add --workers or machines');
      }
    }
  });

  it('shows a worker whose heartbeat stopped as blocked, in the health box and its one-line summary', () => {
    const s = snapshot({ health: [{ index: 0, cpu: 0.3, eventLoopDelayMs: 2, users: 5 }, { index: 1, cpu: 0.3, eventLoopDelayMs: 2, users: 5, blockedMs: 3400 }] });
    for (const [width, height] of [[160, 48], [80, 24]]) {
      const text = screenText(buildFrame(viewOf(s), ui(), width, height)).replace(/\s+/g, ' ');
      expect(text).toMatch(/1 BLOCKED 3s|worker 1 BLOCKED 3s/);
    }
    expect(screenText(buildFrame(viewOf(snapshot()), ui(), 160, 48))).not.toContain('BLOCKED');
  });

  it('shows LLM percentiles, tokens/s, thresholds and the stage when the snapshot has them', () => {
    const llm = {
      requests: 10, failures: 0, ttftMs: stats(200), ttfctMs: stats(200), tpotMs: stats(20), itlMs: stats(15), e2eMs: stats(2000),
      outputSpeedTokPerS: stats(50), inputTokens: 100, outputTokens: 200, reasoningTokens: 0, requestsPerSec: 1,
      inputTokensPerSec: 10, outputTokensPerSec: 20, totalTokensPerSec: 30, goodputPerSec: null, errorsByKind: {},
    };
    const s = snapshot({
      llm, llmInterval: { ttftP50Ms: 200, ttftP99Ms: 600, outputTokensPerSec: 25, inputTokensPerSec: 12 }, stage: 'c=8',
      thresholds: [{ expression: 'p95 < 100', ok: false, value: 140 }],
    });
    const text = screenText(buildFrame(viewOf(s), ui({ panel: 'llm' }), 160, 48));
    for (const want of ['TTFT', 'TPOT', 'ITL', 'E2E', 'p90', 'tokens in 12.0/s', 'out 25.0/s', 'Output tokens/s', 'TTFT p50', 'c=8', 'thresholds 1 of 1 crossed']) {
      expect(text).toContain(want);
    }
    const problems = screenText(buildFrame(viewOf(s), ui({ panel: 'problems' }), 160, 48));
    expect(problems).toContain('✗ FAIL p95 < 100');
    expect(problems).toContain('HTTP 500: {"error":"boom"}');
    // Names and messages are text, never blessed tags.
    expect(problems).toContain('GET /{odd} name');
    expect(problems).toContain('template {bold} left in');
    expect(problems).toContain('has {red-fg} in its name');
  });

  it('warns of request names that grow like ids, with the fix, on the overview and the errors panel', () => {
    const names = {
      distinct: 2000, maxNames: 2000, foldedRequests: 31_000, fullHistograms: 1, workerFullHistogramsPeak: 1,
      warning: { message: '2000 distinct request names', examples: ['GET /items/1', 'GET /items/2', 'GET /items/3'], patterns: ['/items/[id]'] },
    };
    for (const panel of ['overview', 'problems'] as const) {
      for (const [width, height] of [[80, 24], [160, 48]] as const) {
        const f = buildFrame(viewOf(snapshot({ names })), ui({ panel }), width, height);
        for (const b of f.boxes) for (const l of b.lines) expect(visible(l).length, `${panel}/${b.id}: ${visible(l)}`).toBeLessThanOrEqual(b.width - (b.frame === 'box' ? 2 : 0));
        const text = screenText(f);
        expect(text, `${panel} ${width}x${height}`).toContain('names: 2,000 distinct');
        if (width === 160) expect(text).toContain("name them: { name: '/items/[id]' }");
      }
    }
    expect(screenText(buildFrame(viewOf(snapshot()), ui({ panel: 'overview' }), 160, 48))).not.toContain('names:');
  });

  it('draws a waiting screen before the first snapshot', () => {
    const view: View = { history: new LiveHistory(), endpoints: [], stagesDone: [], start: { scenario: 'x.ts', users: 5, workers: 1, startTime: '' } };
    const text = screenText(buildFrame(view, ui({ runState: 'starting' }), 80, 24));
    expect(text).toContain('waiting for the first figures');
    expect(text).toContain('x.ts');
  });
});
