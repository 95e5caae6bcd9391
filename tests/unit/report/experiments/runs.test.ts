import { describe, expect, it } from 'vitest';
import { UserError } from '../../../../src/errors.js';
import { filterPoints, loadRuns, parseFilter, parseGroupBy, pointsOf, seriesLabeller } from '../../../../src/report/experiments/runs.js';
import { sheetNames, verdictOf } from '../../../../src/report/export/workbook.js';
import { experimentFolderName, sanitizeNamePart } from '../../../../src/run/experiment.js';
import { experimentRoot } from '../../../helpers/experiment-fixtures.js';

const summaries = new URL('../../../fixtures/summaries/', import.meta.url).pathname;

describe('experiment runs', () => {
  it('names a summary file after itself, and two runs of one name apart', () => {
    const runs = loadRuns([`${summaries}llm-sweep.json`, `${summaries}llm-sweep.json`, `${summaries}http-shop.json`]);
    expect(runs.map((r) => r.experiment)).toEqual(['llm-sweep', 'llm-sweep (2)', 'http-shop']);
  });

  it('reads an experiment root: a run per sub-folder, named by its metadata', () => {
    const root = experimentRoot([
      { name: 'openai_vllm_m_20261206_120000', serverEngine: 'vllm', shapes: ['D(100,100)'], scale: 1 },
      { name: 'openai_tgi_m_20261206_120000', serverEngine: 'tgi', shapes: ['D(100,100)'], scale: 1 },
    ]);
    const runs = loadRuns([root]);
    expect(runs.map((r) => r.experiment)).toEqual(['openai_tgi_m_20261206_120000', 'openai_vllm_m_20261206_120000']);
    const points = pointsOf(runs[1]!);
    expect(points).toHaveLength(6);
    expect(points[0]).toMatchObject({ serverEngine: 'vllm', serverGpuType: 'H100', serverGpuCount: '8', traffic: 'D(100,100)', concurrency: 1, requests: 9 });
  });

  it('makes one point of a run without stages, at its users', () => {
    const [http] = loadRuns([`${summaries}http-shop.json`]);
    const points = pointsOf(http!);
    expect(points).toHaveLength(1);
    expect(points[0]).toMatchObject({ stage: 'run', concurrency: http!.summary.meta.users, outputTokensPerSec: null, e2eP50Ms: http!.summary.total.latencyMs.p50 });
  });

  it('filters by key=value regardless of spaces; labels curves by group and traffic', () => {
    const root = experimentRoot([{ name: 'x', serverEngine: 'vllm', shapes: ['D(100,100)', 'D(2000,200)'], scale: 1 }]);
    const points = pointsOf(loadRuns([root])[0]!);
    expect(filterPoints(points, [parseFilter('traffic=D(2000, 200)')]).map((p) => p.traffic)).toEqual(Array(6).fill('D(2000,200)'));
    expect(filterPoints(points, [parseFilter('traffic=D(1,1)'), parseFilter('traffic=D(100,100)')])).toHaveLength(6);
    const label = seriesLabeller(points, parseGroupBy('server-engine,model'));
    expect(label(points[0]!)).toBe('vllm · llama-3.1-8b-instruct · D(100,100)');
    expect(seriesLabeller(points, ['traffic'])(points[7]!)).toBe('D(2000,200)');
    expect(() => parseFilter('traffic')).toThrow(UserError);
    expect(() => parseGroupBy('engine')).toThrow(/--group-by "engine": unknown key/);
  });

  it('the export verdict: no concurrency when no stage keeps the floor; the peak all the same', () => {
    const [run] = loadRuns([`${summaries}llm-sweep.json`]);
    const v = verdictOf('x', pointsOf(run!), 1000);
    expect(v).toMatchObject({ maxConcurrencyAtFloor: null, throughputAtFloor: null, peakOutputTokensPerSec: 627.933, concurrencyAtPeak: 32 });
    expect(verdictOf('x', pointsOf(run!), 10).maxConcurrencyAtFloor).toBe(32);
  });

  it('sheet names fit Excel: 31 characters, no []:*?/\\, unique', () => {
    const long = 'openai_vllm_meta-llama-Llama-3.1-70B-Instruct_20261206_120000';
    const names = sheetNames([long, long, 'a/b:c']);
    expect(names.every((n) => n.length <= 31)).toBe(true);
    expect(new Set(names).size).toBe(3);
    expect(names[2]).toBe('a-b-c');
  });

  it('folder names: safe characters, unknown parts left out', () => {
    const at = new Date(2026, 11, 6, 14, 5, 9);
    expect(experimentFolderName({ provider: 'openai', serverEngine: 'vllm', model: 'meta-llama/Llama-3-8B' }, at)).toBe('openai_vllm_meta-llama-Llama-3-8B_20261206_140509');
    expect(experimentFolderName({ model: 'm' }, at)).toBe('m_20261206_140509');
    expect(sanitizeNamePart('../../etc')).toBe('..-..-etc');
  });
});
