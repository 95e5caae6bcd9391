import { describe, expect, it } from 'vitest';
import type { LatencyStats } from '../../../../src/metrics/histogram.js';
import type { LiveSnapshot } from '../../../../src/metrics/live-snapshot.js';
import type { LlmSummary } from '../../../../src/metrics/summary-types.js';
import { LiveHistory } from '../../../../src/report/tui/history.js';
import { llmRows, renderLlmStats } from '../../../../src/report/tui/sections/llm.js';
import type { View } from '../../../../src/report/tui/sections/types.js';

const stats = (ms: number, count = 10): LatencyStats => ({ count, min: ms / 2, mean: ms, p50: ms, p90: ms * 2, p95: ms * 2, p99: ms * 3, p999: ms * 3, max: ms * 4 });
const llm = (requests: number, ttft: number, e2e: number, e2eCount = requests): LlmSummary => ({
  requests, failures: 0, ttftMs: stats(ttft, ttft ? requests : 0), ttfctMs: stats(ttft, ttft ? requests : 0), tpotMs: stats(2), itlMs: stats(2), e2eMs: stats(e2e, e2eCount),
  outputSpeedTokPerS: stats(50), inputTokens: 100, outputTokens: 100, reasoningTokens: 0, requestsPerSec: 1, inputTokensPerSec: 10, outputTokensPerSec: 10,
  totalTokensPerSec: 20, goodputPerSec: null, errorsByKind: {},
});

function viewOf(l: LlmSummary): View {
  const s = { scenario: 'rag.ts', elapsedMs: 1000, users: 1, targetUsers: 1, workers: 1, endpoints: [], total: undefined, currentRps: {}, interval: { rps: 0, failuresPerSec: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0 }, errors: [], checks: [], health: [], llm: l } as unknown as LiveSnapshot;
  return { snapshot: s, history: new LiveHistory(), endpoints: [], stagesDone: [] };
}

const visible = (tagged: string): string => tagged.replace(/\{(\/?[\w\- ]*)\}/g, (_m, name: string) => (name === 'open' ? '{' : name === 'close' ? '}' : ''));

describe('the TUI LLM panel', () => {
  it('lists the request names when there are several, busiest first, with an embedding TTFT as -', () => {
    const total = { ...llm(30, 400, 900, 10), byName: { '/v1/chat/completions': llm(10, 400, 900), '/v1/{embeddings}': llm(20, 0, 150) } };
    const v = viewOf(total);
    const lines = renderLlmStats(v, 60, 40).lines.map(visible);
    expect(lines.length).toBe(llmRows(v));
    const rows = lines.slice(-3);
    expect(rows[0]).toMatch(/^name\s+req\s+ttft p50\s+e2e p50$/);
    expect(rows[1]).toMatch(/^\/v1\/\{embeddings\}\s+20\s+-\s+150$/);
    expect(rows[2]).toMatch(/^\/v1\/chat\/completions\s+10\s+400\s+900$/);
  });

  it('adds nothing for a single name that is the totals', () => {
    const total = { ...llm(10, 400, 900), byName: { '/v1/chat/completions': llm(10, 400, 900) } };
    const v = viewOf(total);
    expect(llmRows(v)).toBe(7);
    expect(renderLlmStats(v, 60, 40).lines.join('\n')).not.toContain('/v1/chat/completions');
  });
});
