import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/summary-types.js';
import { startBench } from '../helpers/bench-process.js';
import { experimentRoot } from '../helpers/experiment-fixtures.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'volley-exp-e2e-'));

async function bench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = startBench(args);
  const code = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/** Width and height from a PNG's IHDR chunk (bytes 16..23), after checking the signature. */
function pngSize(path: string): { width: number; height: number } {
  const b = readFileSync(path);
  expect(b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(b.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svg);
  expect(m).not.toBeNull();
  return { width: Number(m![1]), height: Number(m![2]) };
}

const VLLM = 'openai_vllm_llama-3.1-8b-instruct_20261206_120000';
const SGLANG = 'openai_sglang_llama-3.1-8b-instruct_20261206_130000';
const fixtureRoot = () =>
  experimentRoot([
    { name: VLLM, serverEngine: 'vllm', shapes: ['D(100,100)', 'D(2000,200)'], scale: 1 },
    { name: SGLANG, serverEngine: 'sglang', shapes: ['D(100,100)'], scale: 1.2 },
  ]);

describe('bench run --experiment-dir', () => {
  it('writes each run to <root>/<provider>_<engine>_<model>_<timestamp>/ with the experiment in summary.json', async () => {
    const root = tmp();
    const r = await bench([
      'run', 'tests/fixtures/scenarios/llm/one-chat.ts', '--host', 'mock', '--headless', '-w', '1',
      '--concurrency', '1,2', '--traffic', 'D(20,8)', 'D(30,8)', '--max-requests-per-stage', '4',
      '--experiment-dir', root, '--model', 'meta-llama/Llama-3-8B',
      '--server-engine', 'vllm', '--server-version', '0.9', '--server-gpu-type', 'H100', '--server-gpu-count', '8',
    ]);
    expect(r.stderr).toMatch(/results written to /);
    expect(r.code).toBe(0);
    const folders = readdirSync(root);
    expect(folders).toHaveLength(1);
    expect(folders[0]).toMatch(/^openai_vllm_meta-llama-Llama-3-8B_\d{8}_\d{6}$/);
    const summary = JSON.parse(readFileSync(join(root, folders[0]!, 'summary.json'), 'utf8')) as RunSummary;
    const x = summary.experiment!;
    expect(x).toMatchObject({ name: folders[0], provider: 'openai', serverEngine: 'vllm', serverVersion: '0.9', serverGpuType: 'H100', serverGpuCount: 8, model: 'meta-llama/Llama-3-8B', traffic: ['D(20,8)', 'D(30,8)'], volleyVersion: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(Date.parse(x.startedAt)).not.toBeNaN();
    expect(x.options).toMatchObject({ concurrency: [1, 2], maxRequestsPerStage: 4 });
    // The sweep keeps its stages: two concurrency levels per shape.
    expect(summary.stages!.map((s) => [s.concurrency, s.traffic])).toEqual([[1, 'D(20,8)'], [2, 'D(20,8)'], [1, 'D(30,8)'], [2, 'D(30,8)']]);
    expect(existsSync(join(root, folders[0]!, 'report.html'))).toBe(true);
  }, 60_000);

  it('takes experimentDir and server-* from the config file; provider and model from the LLM class', async () => {
    const root = tmp();
    const config = join(tmp(), 'bench.config.ts');
    writeFileSync(config, `export default { experimentDir: ${JSON.stringify(root)}, serverEngine: 'tgi', serverGpuCount: 2 };\n`);
    const r = await bench(['run', 'tests/fixtures/scenarios/llm/one-chat.ts', '--host', 'mock', '--headless', '-w', '1', '-u', '1', '--iterations', '2', '-c', config]);
    expect(r.code).toBe(0);
    const [folder] = readdirSync(root);
    expect(folder).toMatch(/^openai_tgi_test-model_\d{8}_\d{6}$/);
    const summary = JSON.parse(readFileSync(join(root, folder!, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.experiment).toMatchObject({ provider: 'openai', serverEngine: 'tgi', serverGpuCount: 2, model: 'test-model', traffic: ['D(20,8)'] });
  }, 60_000);

  it('--out with --experiment-dir is a user error naming both (exit 2)', async () => {
    const r = await bench(['run', 'tests/fixtures/scenarios/llm/one-chat.ts', '--host', 'mock', '--headless', '-t', '1s', '--experiment-dir', tmp(), '--out', join(tmp(), 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .* and --experiment-dir .* both say where the results go/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});

describe('bench plot', () => {
  it('draws the grid across experiments as PNG and SVG, one curve per experiment and traffic shape, with index.html', async () => {
    const root = fixtureRoot();
    const out = join(tmp(), 'plots');
    const r = await bench(['plot', root, '--out', out, '--group-by', 'server-engine']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 curves: sglang · D(100,100); vllm · D(100,100); vllm · D(2000,200)');
    const ids = ['speed-vs-throughput', 'ttft-vs-throughput', 'e2e-vs-rps', 'error-rate-vs-concurrency', 'throughput-vs-concurrency', 'grid'];
    expect(readdirSync(out).sort()).toEqual([...ids.flatMap((id) => [`${id}.png`, `${id}.svg`]), 'index.html'].sort());
    for (const id of ids) {
      const svg = readFileSync(join(out, `${id}.svg`), 'utf8');
      const png = pngSize(join(out, `${id}.png`));
      const size = svgSize(svg);
      // Drawn at twice the SVG's size.
      expect(png).toEqual({ width: Math.round(size.width * 2), height: Math.round(size.height * 2) });
      expect(size.width).toBeGreaterThan(520);
    }
    const speed = readFileSync(join(out, 'speed-vs-throughput.svg'), 'utf8');
    for (const text of ['Output speed vs output throughput', 'output throughput (tokens/s, all requests)', 'output speed (tokens/s per user, p50)', 'server-engine · traffic', 'vllm · D(100,100)', 'vllm · D(2000,200)', 'sglang · D(100,100)']) {
      expect(speed).toContain(text);
    }
    expect(speed).toContain('DejaVu Sans');
    expect(readFileSync(join(out, 'e2e-vs-rps.svg'), 'utf8')).toContain('E2E latency (ms)');
    expect(readFileSync(join(out, 'error-rate-vs-concurrency.svg'), 'utf8')).toContain('error rate (%)');
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    for (const id of ids) {
      expect(index).toContain(`<img src="${id}.svg"`);
      expect(index).toContain(`href="${id}.png"`);
    }
    expect(index).toContain(VLLM);
    expect(index).toContain(SGLANG);
  }, 60_000);

  it('--filter keeps the stages of one traffic shape', async () => {
    const out = join(tmp(), 'plots');
    const r = await bench(['plot', fixtureRoot(), '--out', out, '--filter', 'traffic=D(2000, 200)']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`1 curve: ${VLLM}`);
    expect(readFileSync(join(out, 'speed-vs-throughput.svg'), 'utf8')).not.toContain(SGLANG);
  }, 60_000);

  it('a folder without results, an unknown key and a filter matching nothing exit 2 naming them', async () => {
    const empty = tmp();
    let r = await bench(['plot', empty, '--out', join(tmp(), 'p')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${empty} holds no summary.json, nor folders that do`);
    r = await bench(['plot', '/no/such/dir', '--out', join(tmp(), 'p')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/no/such/dir: no such folder');
    r = await bench(['plot', fixtureRoot(), '--group-by', 'gpu']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--group-by "gpu": unknown key');
    r = await bench(['plot', fixtureRoot(), '--out', join(tmp(), 'p'), '--filter', 'traffic=D(1,1)']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--filter traffic=D(1,1): no stage of the 2 runs matches');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('bench export', () => {
  it('writes an .xlsx with a summary per experiment and traffic shape, and a sheet of stages per experiment', async () => {
    const file = join(tmp(), 'results.xlsx');
    const r = await bench(['export', fixtureRoot(), '--xlsx', file, '--min-user-tps', '40']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    expect(book.worksheets.map((w) => w.name)).toEqual(['Summary', SGLANG.slice(0, 31), VLLM.slice(0, 31)]);
    const summary = book.getWorksheet('Summary')!;
    const header = (summary.getRow(1).values as unknown[]).slice(1);
    expect(header).toContain('max concurrency with ≥ 40 tok/s per user');
    const col = (name: string) => header.indexOf(name) + 1;
    const rows = [2, 3, 4].map((i) => summary.getRow(i));
    const pick = (row: ExcelJS.Row) => ({
      experiment: row.getCell(col('experiment')).value,
      traffic: row.getCell(col('traffic')).value,
      maxConcurrency: row.getCell(col('max concurrency with ≥ 40 tok/s per user')).value,
      peak: Math.round(Number(row.getCell(col('peak output tok/s')).value)),
      atPeak: row.getCell(col('concurrency at peak')).value,
      engine: row.getCell(col('server engine')).value,
    });
    // From the fixture: per-user speed p50 81.5, 74.7, 61.3, 50.9, 34.6, 21.1 tok/s at c=1..32 (÷1.5 for the second shape, ×1.2 for sglang).
    expect(rows.map(pick)).toEqual([
      { experiment: SGLANG, traffic: 'D(100,100)', maxConcurrency: 16, peak: Math.round(627.933 * 1.2), atPeak: 32, engine: 'sglang' },
      { experiment: VLLM, traffic: 'D(100,100)', maxConcurrency: 8, peak: 628, atPeak: 32, engine: 'vllm' },
      { experiment: VLLM, traffic: 'D(2000,200)', maxConcurrency: 4, peak: Math.round(627.933 * 1.5), atPeak: 32, engine: 'vllm' },
    ]);
    const stages = book.getWorksheet(VLLM.slice(0, 31))!;
    const stageHeader = (stages.getRow(1).values as unknown[]).slice(1);
    expect(stageHeader).toEqual(['stage', 'concurrency', 'traffic', 'requests', 'requests/s', 'TTFT p50 (ms)', 'TTFT p90 (ms)', 'TTFT p99 (ms)', 'TPOT p50 (ms)', 'TPOT p90 (ms)', 'TPOT p99 (ms)', 'E2E p50 (ms)', 'E2E p90 (ms)', 'E2E p99 (ms)', 'output tok/s', 'tok/s per user (p50)', 'input tok/s', 'errors', 'error rate (%)']);
    expect(stages.rowCount).toBe(1 + 12);
    const c32 = (stages.getRow(7).values as unknown[]).slice(1);
    expect(c32.slice(0, 4)).toEqual(['c=32 D(100,100)', 32, 'D(100,100)', 78]);
    expect(c32[5]).toBe(447.231);
    expect(c32[17]).toBe(4);
  }, 60_000);

  it('a bad folder exits 2 naming it; so does a file name that is not .xlsx', async () => {
    let r = await bench(['export', '/no/such/dir', '--xlsx', join(tmp(), 'r.xlsx')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/no/such/dir: no such folder');
    r = await bench(['export', fixtureRoot(), '--xlsx', join(tmp(), 'r.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected a file name ending in .xlsx');
  }, 30_000);
});
