import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../../src/cli/run.js';
import { mergeRuns, mergeSummaries } from '../../../src/distributed/merge/index.js';
import { createHistogram, decodeHistogram, latencyStats } from '../../../src/metrics/histogram.js';
import type { RunSummary } from '../../../src/metrics/summary-types.js';
import { startTargetServer, type TargetServer } from '../../helpers/target-server.js';

const scenario = fileURLToPath(new URL('../../fixtures/scenarios/distributed/mixed.ts', import.meta.url));
const quiet = { stdout: { write: () => true } as unknown as NodeJS.WritableStream, stderr: { write: () => true } as unknown as NodeJS.WritableStream };
const read = (dir: string): RunSummary => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));

/** Every sample of every input, in one histogram: what one machine would have recorded. */
/** An encoded histogram of summary.json with its exact min and max (µs). */
type Encoded = { latency?: string; histogram?: string; minUs?: number; maxUs?: number };

function oneHistogram(summaries: RunSummary[], pick: (s: RunSummary) => Encoded[]) {
  const h = createHistogram();
  for (const s of summaries) for (const enc of pick(s)) h.add(decodeHistogram(enc.latency ?? enc.histogram!, enc));
  return h;
}

describe('bench merge of separate runs', () => {
  let target: TargetServer;
  let dir: string;
  const dirs: string[] = [];
  let inputs: RunSummary[];

  beforeAll(async () => {
    target = await startTargetServer();
    dir = mkdtempSync(join(tmpdir(), 'volley-merge-'));
    // Three instances, as three machines would run them: users split by splitEvenly (3, 2, 2 of 7).
    const users = [3, 2, 2];
    for (let i = 0; i < 3; i++) {
      const out = join(dir, `i${i}`);
      dirs.push(out);
      await runScenario(
        {
          scenario,
          options: { users: users[i], iterations: 150 + 25 * i, workers: 1, host: target.url, out, headless: true, seed: i + 1, thresholds: ['http.p99<5s', 'http.errors.rate<10%'] },
        },
        quiet,
      );
    }
    inputs = dirs.map(read);
  }, 120_000);

  afterAll(async () => {
    await target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('merges percentiles exactly: equal to one histogram fed every sample', () => {
    const out = join(dir, 'all');
    const { summary, exitCode } = mergeRuns({ inputs: dirs, out });
    // The reports a single run writes are all there.
    for (const f of ['summary.json', 'report.html', 'stats.csv', 'history.csv', 'junit.xml']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(read(out)).toEqual(JSON.parse(JSON.stringify(summary)));

    const all = oneHistogram(inputs, (s) => s.histograms.endpoints);
    expect(summary.total.latencyMs).toEqual(latencyStats(all));
    for (const e of summary.endpoints) {
      const h = oneHistogram(inputs, (s) => s.histograms.endpoints.filter((x) => x.method === e.method && x.name === e.name));
      expect(e.latencyMs, `${e.method} ${e.name}`).toEqual(latencyStats(h));
    }
    const think = oneHistogram(inputs, (s) => s.histograms.trends.filter((t) => t.name === 'think'));
    expect(summary.trends.think).toEqual(latencyStats(think));
    // The extremes are exact, not the tops of their buckets: summary.json carries each histogram's
    // exact min and max (µs), each run reports them, and the merge keeps the slowest and fastest.
    const slowestUs = (s: RunSummary) => Math.max(...s.histograms.endpoints.map((e) => e.maxUs!));
    for (const s of inputs) expect(s.total.latencyMs.max).toBe(slowestUs(s) / 1000);
    expect(summary.total.latencyMs.max).toBe(Math.max(...inputs.map(slowestUs)) / 1000);
    expect(summary.total.latencyMs.min).toBe(Math.min(...inputs.map((s) => s.total.latencyMs.min)));
    expect(summary.trends.think!.max).toBe(Math.max(...inputs.map((s) => s.trends.think!.max)));
    expect(read(out).histograms.endpoints.every((e) => Number.isInteger(e.minUs) && Number.isInteger(e.maxUs))).toBe(true);

    // Counts are sums; the failing endpoint's errors and the check too.
    const sum = (f: (s: RunSummary) => number) => inputs.reduce((a, s) => a + f(s), 0);
    expect(summary.total.requests).toBe(sum((s) => s.total.requests));
    expect(summary.total.failures).toBe(sum((s) => s.total.failures));
    expect(summary.total.bytes).toBe(sum((s) => s.total.bytes));
    expect(summary.checks).toEqual([{ name: 'items is 200', passes: sum((s) => s.checks[0]!.passes), fails: 0 }]);
    expect(summary.errors.reduce((a, e) => a + e.count, 0)).toBe(sum((s) => s.errors.reduce((a, e) => a + e.count, 0)));
    expect(summary.tasks.reduce((a, t) => a + t.runs, 0)).toBe(150 + 175 + 200);
    expect(summary.meta.users).toBe(7);
    expect(summary.meta.durationMs).toBe(Math.max(...inputs.map((s) => s.meta.durationMs)));
    expect(summary.total.rps).toBeCloseTo(summary.total.requests / (summary.meta.durationMs / 1000), 2);
    expect(summary.meta.instances.map((i) => i.source)).toEqual(dirs);
    expect(summary.meta.instances.map((i) => i.requests)).toEqual(inputs.map((s) => s.total.requests));

    // Thresholds judged again on the merged figures: the error rate is ~1/7 of requests.
    expect(summary.thresholds?.map((t) => [t.expression, t.ok])).toEqual([
      ['http.p99<5s', true],
      ['http.errors.rate<10%', false],
    ]);
    expect(exitCode).toBe(99);
  });

  it('re-judges with other thresholds when asked', () => {
    const { summary, exitCode } = mergeRuns({ inputs: dirs, out: join(dir, 'all2'), thresholds: ['http.errors.rate<50%'] });
    expect(summary.thresholds).toEqual([expect.objectContaining({ expression: 'http.errors.rate<50%', ok: true })]);
    expect(exitCode).toBe(1); // requests failed, as bench run says
  });

  it('refuses results of different scenarios, naming both', () => {
    const other = structuredClone(inputs[1]!);
    other.meta.scenario = 'scenarios/other.ts';
    other.meta.scenarioHash = '0123456789abcdef';
    expect(() => mergeSummaries([{ source: 'a/', summary: inputs[0]! }, { source: 'b/', summary: other }])).toThrow(
      /different scenarios: a\/ ran ".*mixed\.ts" \(sources [0-9a-f]{16}\) but b\/ ran "scenarios\/other\.ts" \(sources 0123456789abcdef\)/,
    );
    // Summaries of earlier versions have no hash: their paths decide.
    const old = (s: RunSummary, scenario: string) => ({ ...s, meta: { ...s.meta, scenario, scenarioHash: undefined } });
    expect(() => mergeSummaries([{ source: 'a/', summary: old(inputs[0]!, 'a.ts') }, { source: 'b/', summary: old(inputs[1]!, 'b.ts') }])).toThrow(
      /different scenarios: a\/ ran "a\.ts" but b\/ ran "b\.ts"/,
    );
  });

  it('refuses a folder given twice and a summary without histograms', () => {
    expect(() => mergeRuns({ inputs: [dirs[0]!, `${dirs[0]}/summary.json`], out: join(dir, 'x') })).toThrow(/given twice/);
    const bare = structuredClone(inputs[0]!);
    bare.histograms = { endpoints: [], trends: [] };
    const f = join(dir, 'bare.json');
    writeFileSync(f, JSON.stringify(bare));
    expect(() => mergeRuns({ inputs: [f, dirs[1]!], out: join(dir, 'y') })).toThrow(/no encoded histogram, so it cannot be merged exactly/);
  });

  it('warns when the segments given do not make up the plan', () => {
    // Segments of one plan: the same plan options as the first input.
    const seg = (s: RunSummary, text: string) => {
      const c = structuredClone(s);
      c.meta.options = { ...structuredClone(inputs[0]!.meta.options), segment: text };
      return c;
    };
    const ok = mergeSummaries([
      { source: 'a', summary: seg(inputs[0]!, '1/2') },
      { source: 'b', summary: seg(inputs[1]!, '2/2') },
    ]);
    expect(ok.warnings).toEqual([]);
    expect(ok.summary.meta.instances.map((i) => i.segment)).toEqual(['1/2', '2/2']);
    expect(ok.summary.meta.options.segment).toBeUndefined();
    const gap = mergeSummaries([
      { source: 'a', summary: seg(inputs[0]!, '1/3') },
      { source: 'b', summary: seg(inputs[1]!, '3/3') },
    ]);
    expect(gap.warnings[0]).toMatch(/nothing covers 1\/3:2\/3/);
    expect(gap.summary.meta.incomplete).toEqual(['nothing covers 1/3:2/3']);
    expect(gap.exitCode).toBe(98);
  });
});
