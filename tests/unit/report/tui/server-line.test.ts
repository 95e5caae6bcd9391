import { expect, it } from 'vitest';
import type { LiveSnapshot } from '../../../../src/metrics/live-snapshot.js';
import { buildFrame, type UiState } from '../../../../src/report/tui/frame.js';
import { LiveHistory } from '../../../../src/report/tui/history.js';

const ui: UiState = { panel: 'overview', scroll: { overview: 0, endpoints: 0, problems: 0, llm: 0 }, help: false, runState: 'running' };
const visible = (tagged: string): string => tagged.replace(/\{(\/?[\w\- ]*)\}/g, (_m, name: string) => (name === 'open' ? '{' : name === 'close' ? '}' : ''));
const stats = { count: 1, min: 1, mean: 1, p50: 1, p90: 1, p95: 1, p99: 1, p999: 1, max: 1 };
const total = { method: '', name: 'Aggregated', requests: 10, failures: 0, aborted: 0, rps: 1, failuresPerSec: 0, bytes: 0, latencyMs: stats };

function header(server: LiveSnapshot['server'], width: number): string[] {
  const s: LiveSnapshot = {
    scenario: 'chat.ts', elapsedMs: 5000, users: 4, targetUsers: 4, workers: 1, endpoints: [total], total, currentRps: {},
    interval: { rps: 1, failuresPerSec: 0, p50Ms: 1, p95Ms: 1, p99Ms: 1 }, errors: [], checks: [], health: [], server,
  };
  const history = new LiveHistory();
  history.push(s);
  return buildFrame({ snapshot: s, history, endpoints: [total], stagesDone: [] }, ui, width, 40).header.map(visible);
}

it("the TUI header shows the server's latest figures in one line, short where the terminal is narrow", () => {
  const server = { sources: ['http://127.0.0.1:8000/metrics'], scrapes: 5, failures: 1, series: {}, current: { requests_running: 12, requests_waiting: 3, kv_cache_usage: 0.41, generation_tokens_per_s: 1280 } };
  const wide = header(server, 160).join('\n');
  expect(wide).toMatch(/server {2}running 12 {2}waiting 3 {2}KV cache 41(\.0)?% {2}gen 1,?280 tok\/s {2}1 scrapes failed/);
  for (const l of header(server, 60)) expect(l.length).toBeLessThanOrEqual(60);
  expect(header(undefined, 160).join('\n')).not.toContain('server');
});
