import { caught } from '../../../helpers/caught.js';
import { describe, expect, it, vi } from 'vitest';
import { computeTimings, tokensPerChunk, tokensPerPiece } from '../../../../src/clients/llm/timing.js';
import { finishGeneration } from '../../../../src/clients/llm/finish.js';
import { emptyOutcome, type ExchangeOutcome } from '../../../../src/clients/llm/exchange.js';
import { meetsSlos, parseSlos } from '../../../../src/clients/llm/slo.js';
import { getTokenizer } from '../../../../src/workload/tokenizer.js';
import { MetricsRecorder } from '../../../../src/metrics/recorder.js';
import { MetricsAggregate } from '../../../../src/metrics/aggregate.js';
import { buildLlmSummary } from '../../../../src/metrics/llm-summary.js';
import { UserError } from '../../../../src/errors.js';

const tok = getTokenizer('cl100k_base');

function outcome(over: Partial<ExchangeOutcome>): ExchangeOutcome {
  return { ...emptyOutcome(), status: 200, startMs: 1000, endMs: 1000, bytes: 100, finishReason: 'stop', done: true, ...over };
}

describe('metric formulas', () => {
  it('TTFT, TTFCT, E2E, TPOT, output speed and ITL', () => {
    const t = computeTimings({ startMs: 100, endMs: 1100, firstTokenMs: 300, firstContentMs: 500, chunkTimes: [300, 400, 500, 700], outputTokens: 5 });
    expect(t.ttftMs).toBe(200);
    expect(t.ttfctMs).toBe(400);
    expect(t.e2eMs).toBe(1000);
    expect(t.tpotMs).toBe((1000 - 200) / 4);
    expect(t.outputSpeed).toBe(1000 / 200);
    expect(t.itlMs).toEqual([100, 100, 200]);
  });

  it('TPOT is undefined for a single token, and everything streamed is undefined without a first token', () => {
    expect(computeTimings({ startMs: 0, endMs: 50, firstTokenMs: 40, firstContentMs: 40, chunkTimes: [40], outputTokens: 1 }).tpotMs).toBeUndefined();
    const t = computeTimings({ startMs: 0, endMs: 50, firstTokenMs: undefined, firstContentMs: undefined, chunkTimes: [], outputTokens: 10 });
    expect([t.ttftMs, t.tpotMs, t.outputSpeed]).toEqual([undefined, undefined, undefined]);
    expect(t.itlMs).toEqual([]);
  });

  it('divides each gap by the tokens of the later chunk', () => {
    const t = computeTimings({ startMs: 0, endMs: 100, firstTokenMs: 10, firstContentMs: 10, chunkTimes: [10, 50, 60], tokensPerChunk: [2, 4, 1], outputTokens: 7 });
    expect(t.itlMs).toEqual([10, 10]);
  });

  it('maps one whole-text encoding onto the streamed pieces', () => {
    const pieces = [' the', ' quick brown', ' fox', ' jumps over the lazy dog'];
    const tokens = tok.encode(pieces.join(''));
    const per = tokensPerPiece(pieces, tokens, tok);
    expect(Array.from(per)).toEqual(pieces.map((p) => tok.count(p)));
    expect(per.reduce((a, b) => a + b, 0)).toBe(tokens.length);
    // A token split across pieces belongs to the piece where it ends.
    expect(Array.from(tokensPerPiece(['Hel', 'lo world'], tok.encode('Hello world'), tok))).toEqual([0, 2]);
    expect(Array.from(tokensPerChunk([0, -1, 1], Uint32Array.of(3, 4), Uint32Array.of(5)))).toEqual([3, 5, 4]);
  });
});

describe('finishGeneration', () => {
  it('prefers server usage, records every trend and counter, and builds the reply messages', () => {
    const rec = new MetricsRecorder();
    const out = outcome({
      endMs: 2000,
      firstTokenMs: 1100,
      firstContentMs: 1100,
      content: [' the', ' of', ' and'],
      chunkTimes: [1100, 1200, 1300],
      chunkRefs: [0, 1, 2],
      usage: { inputTokens: 20, outputTokens: 3 },
    });
    const r = finishGeneration(rec, '/v1/chat/completions', out, [{ role: 'user', content: 'hi' }], 1, tok, parseSlos('ttft<500ms,e2e<2s'));
    expect(r).toMatchObject({ text: ' the of and', inputTokens: 20, outputTokens: 3, usageSource: 'server', ttftMs: 100, e2eMs: 1000, tpotMs: 450 });
    expect(r.messages).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: ' the of and' },
    ]);
    expect(r.itlMs).toEqual([100, 100]);
    const d = rec.takeDelta();
    expect(d.counters).toEqual({ 'llm.requests': 1, 'llm.input_tokens': 20, 'llm.output_tokens': 3, 'llm.good': 1 });
    expect(d.trends.map((t) => t.name).sort()).toEqual(['llm.e2e', 'llm.itl', 'llm.output_speed', 'llm.tpot', 'llm.ttfct', 'llm.ttft']);
    expect(d.endpoints[0]).toMatchObject({ method: 'POST', name: '/v1/chat/completions', requests: 1, failures: 0, bytes: 100 });
  });

  it('counts with tiktoken when the server sends no usage, once on the whole text', () => {
    const rec = new MetricsRecorder();
    const out = outcome({ endMs: 1500, firstTokenMs: 1100, firstContentMs: 1200, reasoning: ['Let me think'], content: ['Hello', ' world'], chunkTimes: [1100, 1200, 1300], chunkRefs: [-1, 0, 1] });
    const r = finishGeneration(rec, 'x', out, [], 5, tok, []);
    expect(r.usageSource).toBe('tiktoken');
    expect(r.outputTokens).toBe(tok.count('Let me think') + tok.count('Hello world'));
    expect(r.reasoningTokens).toBe(tok.count('Let me think'));
    expect(r.inputTokens).toBe(5);
    expect(r.ttfctMs).toBe(200);
    expect(rec.takeDelta().counters['llm.reasoning_tokens']).toBe(3);
  });

  it('counts every mismatch of server and local counts past 10 %, and warns through the run\'s channel under one key', () => {
    const stderr = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const warnings: [string, string][] = [];
    const rec = new MetricsRecorder();
    const out = () => outcome({ endMs: 1500, firstTokenMs: 1100, firstContentMs: 1100, content: [' the'], chunkTimes: [1100], chunkRefs: [0], usage: { outputTokens: 10 } });
    finishGeneration(rec, 'x', out(), [], 1, tok, [], (key, message) => warnings.push([key, message]));
    finishGeneration(rec, 'x', out(), [], 1, tok, [], (key, message) => warnings.push([key, message]));
    expect(rec.takeDelta().counters['llm.token_mismatch']).toBe(2);
    // The channel (the worker's warnOnce) keeps one per key; nothing goes to the worker's stderr.
    expect(new Set(warnings.map(([key]) => key))).toEqual(new Set(['llm.token_mismatch']));
    expect(warnings[0]![1]).toContain('the server counted 10 output tokens');
    expect(stderr).not.toHaveBeenCalled();
    stderr.mockRestore();
  });

  it('records a failure with its kind; an aborted request apart, not as a failure', () => {
    const rec = new MetricsRecorder();
    finishGeneration(rec, 'x', outcome({ endMs: 1010, status: 429, errorKind: 'http_429', errorMessage: 'HTTP 429: slow down' }), [], 1, tok, []);
    finishGeneration(rec, 'x', outcome({ endMs: 1010, errorKind: 'aborted', errorMessage: 'aborted' }), [], 1, tok, []);
    const d = rec.takeDelta();
    expect(d.counters).toEqual({ 'llm.requests': 1, 'llm.failures': 1, 'llm.errors.http_429': 1, 'llm.errors.aborted': 1 });
    expect(d.endpoints[0]).toMatchObject({ requests: 1, failures: 1, aborted: 1 });
    expect(d.errors[0]).toMatchObject({ message: 'HTTP 429: slow down', count: 1 });
    expect(d.trends).toEqual([]);
  });
});

describe('SLOs', () => {
  it('parses units and operators, and judges a request', () => {
    const slos = parseSlos('ttft<500ms, tpot<=50, e2e<10s,output_speed>20tok/s');
    expect(slos).toEqual([
      { metric: 'ttft', op: '<', value: 500 },
      { metric: 'tpot', op: '<=', value: 50 },
      { metric: 'e2e', op: '<', value: 10_000 },
      { metric: 'output_speed', op: '>', value: 20 },
    ]);
    const ok = { ttftMs: 100, ttfctMs: 100, tpotMs: 50, itlMs: 40, e2eMs: 9000, outputSpeed: 25 };
    expect(meetsSlos(slos, ok)).toBe(true);
    expect(meetsSlos(slos, { ...ok, ttftMs: 600 })).toBe(false);
    expect(meetsSlos(slos, { ...ok, outputSpeed: 10 })).toBe(false);
    // A metric a request does not have (TPOT of one token) does not count against it.
    expect(meetsSlos(slos, { ...ok, tpotMs: undefined })).toBe(true);
    expect(parseSlos(['ttft<1s', 'itl<20ms'])).toHaveLength(2);
    expect(parseSlos(undefined)).toEqual([]);
  });

  it('lists every bad SLO at once', () => {
    expect(() => parseSlos('ttft<5parsecs,latency<3ms,e2e')).toThrow(UserError);
    const m = (caught(() => parseSlos('ttft<5parsecs,latency<3ms,e2e')) as Error).message;
    expect(m).toContain('unknown unit "parsecs"');
    expect(m).toContain('unknown metric "latency"');
    expect(m).toContain('"e2e": expected <metric><op><value>');
  });
});

describe('buildLlmSummary', () => {
  it('is undefined without LLM requests', () => {
    expect(buildLlmSummary(new MetricsAggregate(), 10, false)).toBeUndefined();
  });

  it('fills rates, percentiles, goodput and errors by kind from merged deltas', () => {
    const rec = new MetricsRecorder();
    for (let i = 1; i <= 4; i++) {
      rec.recordTrend('llm.ttft', 100 * i);
      rec.recordTrend('llm.output_speed', 50);
    }
    rec.add('llm.requests', 5);
    rec.add('llm.failures', 1);
    rec.add('llm.input_tokens', 1000);
    rec.add('llm.output_tokens', 400);
    rec.add('llm.good', 3);
    rec.add('llm.errors.http_5xx', 1);
    rec.add('llm.errors.aborted', 2);
    const agg = new MetricsAggregate();
    agg.addDelta(rec.takeDelta());
    const s = buildLlmSummary(agg, 10, true)!;
    expect(s).toMatchObject({
      requests: 5,
      failures: 1,
      inputTokens: 1000,
      outputTokens: 400,
      reasoningTokens: 0,
      requestsPerSec: 0.5,
      inputTokensPerSec: 100,
      outputTokensPerSec: 40,
      totalTokensPerSec: 140,
      goodputPerSec: 0.3,
      errorsByKind: { http_5xx: 1, aborted: 2 },
    });
    expect(s.ttftMs.count).toBe(4);
    expect(s.ttftMs.max).toBeCloseTo(400, 0);
    expect(s.outputSpeedTokPerS.p50).toBeCloseTo(50, 1);
    expect(buildLlmSummary(agg, 10, false)!.goodputPerSec).toBeNull();
    expect(buildLlmSummary(agg, 0, false)!.requestsPerSec).toBe(0);
  });
});
