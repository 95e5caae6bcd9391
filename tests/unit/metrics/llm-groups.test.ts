import { describe, expect, it } from 'vitest';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';
import { MetricsAggregate } from '../../../src/metrics/aggregate.js';
import { buildLlmSummary } from '../../../src/metrics/llm-summary.js';
import { OTHER_NAMES } from '../../../src/metrics/name-cap.js';

describe('LLM figures per name and class', () => {
  it('mirrors llm.* counters and series into the name and the class, and merges workers exactly', () => {
    const agg = new MetricsAggregate();
    const one = new MetricsRecorder();
    const all: number[] = [];
    for (const w of [new MetricsRecorder(), new MetricsRecorder()]) {
      for (let i = 0; i < 700; i++) {
        const s = w.llmScope('/v1/chat/completions', 'Chatter');
        s.add('llm.requests', 1);
        s.add('llm.output_tokens', 3);
        s.add('http.connect_errors', 1);
        const itl = [i + 0.5, i * 7 + 1.25, 2];
        s.recordTrendMany('llm.itl', itl);
        one.llmScope('/v1/chat/completions', 'Chatter').recordTrendMany('llm.itl', itl);
        all.push(...itl);
      }
      agg.addDelta(w.takeDelta());
    }
    const l = buildLlmSummary(agg, 1, false)!;
    const name = l.byName!['/v1/chat/completions']!;
    expect(name.requests).toBe(1400);
    expect(name.outputTokens).toBe(4200);
    expect(l.byClass!.Chatter!.itlMs.count).toBe(all.length);
    // Not an llm.* counter: the totals only.
    expect(agg.llm.byName.get('/v1/chat/completions')!.counters['http.connect_errors']).toBeUndefined();
    expect(agg.counters['http.connect_errors']).toBe(1400);
    // The merged name series is the one histogram of every sample: the totals' own.
    expect(name.itlMs).toEqual(l.itlMs);
    const single = new MetricsAggregate();
    single.addDelta(one.takeDelta());
    expect(single.llm.byName.get('/v1/chat/completions')!.trendStats('llm.itl')).toEqual(name.itlMs);
  });

  it('puts an embedding E2E in its name only', () => {
    const r = new MetricsRecorder();
    const s = r.llmScope('/v1/embeddings', 'Embedder');
    s.add('llm.requests', 1);
    s.recordNameTrend('llm.e2e', 12);
    const agg = new MetricsAggregate();
    agg.addDelta(r.takeDelta());
    const l = buildLlmSummary(agg, 1, false)!;
    expect(l.e2eMs.count).toBe(0);
    expect(l.byName!['/v1/embeddings']!.e2eMs.count).toBe(1);
    expect(l.byClass!.Embedder!.e2eMs.count).toBe(0);
    expect(l.byClass!.Embedder!.requests).toBe(1);
  });

  it('folds names past --max-names under (other names), in the recorder and the aggregate, keeping the counts', () => {
    const workers = [new MetricsRecorder(3), new MetricsRecorder(3)];
    const agg = new MetricsAggregate(3);
    workers.forEach((w, k) => {
      for (let i = 0; i < 10; i++) w.llmScope(`/item/${k}-${i}`, 'U').add('llm.requests', 1);
      agg.addDelta(w.takeDelta());
    });
    const l = buildLlmSummary(agg, 1, false)!;
    const names = Object.keys(l.byName!);
    expect(names.filter((n) => n !== OTHER_NAMES)).toHaveLength(3);
    expect(names).toContain(OTHER_NAMES);
    expect(Object.values(l.byName!).reduce((n, g) => n + g.requests, 0)).toBe(20);
    expect(l.byClass!.U!.requests).toBe(20);
  });

  it('sends only the groups recorded in the interval', () => {
    const r = new MetricsRecorder();
    r.llmScope('a', 'U').add('llm.requests', 1);
    expect(r.takeDelta().llm?.map((d) => [d.by, d.key])).toEqual([['name', 'a'], ['class', 'U']]);
    expect(r.takeDelta().llm).toBeUndefined();
  });
});
