import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LlmSummary, RunSummary } from '../../../src/metrics/summary-types.js';
import { evaluateThresholds, parseThreshold, parseThresholds } from '../../../src/thresholds/index.js';
import { formatThresholdValue } from '../../../src/thresholds/format.js';

const base = JSON.parse(readFileSync(new URL('../../fixtures/summaries/llm-sweep.json', import.meta.url), 'utf8')) as RunSummary;
const stats = (p95: number, count = 10) => ({ count, min: 1, mean: p95 / 2, p50: p95 / 2, p90: p95, p95, p99: p95 * 2, p999: p95 * 2, max: p95 * 3 });

/** The fixture's totals, with a chat name, an embeddings name and two classes. */
function summary(): RunSummary {
  const s = structuredClone(base);
  const l = s.llm!;
  const group = (over: Partial<LlmSummary>): LlmSummary => ({ ...l, byName: undefined, byClass: undefined, ...over });
  l.byName = {
    '/v1/chat/completions': group({ requests: 10, failures: 1, ttftMs: stats(400), e2eMs: stats(900) }),
    '/v1/embeddings': group({ requests: 20, failures: 0, ttftMs: stats(0, 0), e2eMs: stats(150, 20), outputTokensPerSec: 0 }),
  };
  l.byClass = { Chatter: group({ requests: 10, ttftMs: stats(1200) }), Embedder: group({ requests: 20, ttftMs: stats(0, 0) }) };
  return s;
}

const evaluate = (exprs: string[], view: RunSummary = summary()) => evaluateThresholds(parseThresholds(exprs, 'test'), view);

describe('LLM thresholds per request name and user class', () => {
  it('parses llm["name"] and llm_class["Class"] beside the totals', () => {
    expect(parseThreshold('llm["/v1/embeddings"].e2e.p95<200ms', 't')).toMatchObject({ metric: 'llm[].e2e.<stat>', key: '/v1/embeddings', stat: 'p95', kind: 'duration' });
    expect(parseThreshold('llm_class["Chatter"].ttft.p99<1s abort', 't')).toMatchObject({ metric: 'llm_class[].ttft.<stat>', key: 'Chatter', stat: 'p99', abortOnFail: true });
    expect(parseThreshold("llm['docs'].errors.rate<1%", 't')).toMatchObject({ metric: 'llm[].errors.rate', key: 'docs', kind: 'rate' });
    expect(parseThreshold('llm.ttft.p95<1s', 't')).toMatchObject({ metric: 'llm.ttft.<stat>' });
    expect(parseThreshold('llm.ttft.p95<1s', 't').key).toBeUndefined();
  });

  it('names what is wrong in a bad expression', () => {
    expect(() => parseThreshold('llm_class.ttft.p95<1s', 't')).toThrow(/llm_class needs a name in brackets, e\.g\. llm_class\["Chatter"\]/);
    expect(() => parseThreshold('llm["/v1/chat/completions"].ttft.p42<1s', 't')).toThrow(/unknown statistic "p42"/);
    expect(() => parseThreshold('llm["/v1/embeddings"].latency.p95<1s', 't')).toThrow(/expected one of llm\["\/v1\/embeddings"\]\.ttft\.<stat>/);
    expect(() => parseThreshold('llm["/v1/embeddings"].e2e.p95<5%', 't')).toThrow(/e2e/);
  });

  it('reads the named request, the class and the totals apart', () => {
    const [embed, chat, cls, total, rate] = evaluate([
      'llm["/v1/embeddings"].e2e.p95<200ms',
      'llm["/v1/chat/completions"].ttft.p99<1s',
      'llm_class["Chatter"].ttft.p95<1s',
      'llm.ttft.p95<100s',
      'llm["/v1/chat/completions"].errors.rate<5%',
    ]);
    expect(embed).toMatchObject({ ok: true, value: 150, unit: 'ms' });
    expect(chat).toMatchObject({ ok: true, value: 0.8, unit: 's' });
    expect(cls).toMatchObject({ ok: false, value: 1.2, unit: 's' });
    expect(total).toMatchObject({ ok: true, value: base.llm!.ttftMs.p95 / 1000 });
    expect(rate).toMatchObject({ ok: false, value: 10, unit: '%' });
  });

  it('fails a name or class the run does not have, listing those it has', () => {
    const [name, cls, noTtft] = evaluate(['llm["/v1/embedings"].e2e.p95<200ms', 'llm_class["Chater"].ttft.p95<1s', 'llm["/v1/embeddings"].ttft.p95<1s']);
    expect(name).toMatchObject({ ok: false, value: null });
    expect(formatThresholdValue(name!)).toBe('no data: no LLM request name "/v1/embedings"; the run\'s: "/v1/chat/completions", "/v1/embeddings"');
    expect(cls!.note).toBe('no LLM user class "Chater"; the run\'s: "Chatter", "Embedder"');
    // Known name, no such figure (embeddings have no TTFT): no data, no misleading note.
    expect(noTtft).toMatchObject({ ok: false, value: null });
    expect(noTtft!.note).toBeUndefined();
  });

  it('passes while the run is live and the name has not been seen yet', () => {
    const s = summary();
    const liveView = { ...s, meta: undefined } as unknown as RunSummary;
    delete (liveView as Partial<RunSummary>).meta;
    const [r] = evaluateThresholds(parseThresholds(['llm["/v1/rerank"].e2e.p95<1s'], 't'), liveView);
    expect(r).toMatchObject({ ok: true, value: null });
  });
});
