/**
 * GenAI Bench's embeddings/rerank batch-size sweeps and its speech task, run as
 * a user runs them: the real `bench` binary, the example scenarios, the
 * built-in mock.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bench } from '../helpers/bench-process.js';
import type { RunSummary } from '../../src/metrics/summary-types.js';

const tmp = mkdtempSync(join(tmpdir(), 'volley-media-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function summary(dir: string): RunSummary {
  return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
}

describe('batch-size sweeps', () => {
  it('run one stage per batch size, each with its batch in summary.json and the sweep table', async () => {
    const out = join(tmp, 'rerank');
    const r = await bench(['run', 'scenarios/rerank.ts', '--batch-size', '1,4', '--max-requests-per-stage', '5', '-u', '2', '-w', '1', '--headless', '--out', out]);
    expect(r.code).toBe(0);
    const s = summary(out);
    expect(s.stages!.map((st) => [st.name, st.batchSize])).toEqual([
      ['c=2 b=1', 1],
      ['c=2 b=4', 4],
    ]);
    // R(128,32): every request sends a 32-token query and `batch` documents of 128 tokens.
    for (const st of s.stages!) expect(st.llm!.inputTokens).toBe(st.llm!.requests * (32 + 128 * st.batchSize!));
    expect(r.stdout).toMatch(/Batch/);
    expect(r.stdout).toMatch(/in tok\/s/);
  });

  it('a bad --batch-size is a user error naming the option', async () => {
    const r = await bench(['run', 'scenarios/embeddings.ts', '--batch-size', '1,x', '--headless', '--out', join(tmp, 'bad')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/batchSize|--batch-size/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('text to speech', () => {
  it('reports time to first audio byte and audio seconds against the mock', async () => {
    const out = join(tmp, 'speech');
    const r = await bench(['run', 'scenarios/speech.ts', '-t', '4s', '-u', '2', '-w', '1', '--headless', '--out', out]);
    expect(r.code).toBe(0);
    const llm = summary(out).llm!;
    expect(llm.requests).toBeGreaterThan(0);
    expect(llm.failures).toBe(0);
    // A(150) at the mock's 15 chars/s: 10 s of audio per speech request, 10 s per transcription.
    expect(llm.audioSeconds! % 10).toBeCloseTo(0, 6);
    expect(llm.byName!['/v1/audio/speech']!.ttftMs.count).toBe(llm.inputChars! / 150);
    expect(r.stdout).toMatch(/audio [\d.]+ s/);
  });
});
