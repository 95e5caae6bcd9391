import { expect, it } from 'vitest';
import type { HistoryRow } from '../../../src/metrics/summary-types.js';
import { liveCharts } from '../../../src/web/live-charts.js';

const row = (t: number, server?: Record<string, number>): HistoryRow => ({ t, timestamp: '', users: 2, rps: 1, failuresPerSec: 0, p50Ms: 1, p95Ms: 2, p99Ms: 3, ...(server && { server }) });

it("the web UI's live charts add the server's figures when the rows have them", () => {
  const plain = liveCharts([row(1), row(2)]).map((c) => c.id);
  expect(plain.some((id) => id.startsWith('chart-server'))).toBe(false);
  const withServer = liveCharts([row(1, { requests_running: 2, kv_cache_usage: 0.1 }), row(2, { requests_running: 3, kv_cache_usage: 0.2 })]);
  const requests = withServer.find((c) => c.id === 'chart-server-requests')!;
  expect(requests.config.data.datasets[0]!.data).toEqual([{ x: 1, y: 2 }, { x: 2, y: 3 }]);
  expect(withServer.find((c) => c.id === 'chart-server-cache')!.config.data.datasets[0]!.data).toEqual([{ x: 1, y: 10 }, { x: 2, y: 20 }]);
});
