import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../../src/metrics/summary-types.js';
import { createFileReporter, writeReports } from '../../../../src/report/files/write-reports.js';

const llm: RunSummary = JSON.parse(readFileSync(new URL('../../../fixtures/summaries/llm-sweep.json', import.meta.url), 'utf8'));

describe('writeReports', () => {
  it('writes every file by default, and only the formats asked for', () => {
    const all = mkdtempSync(join(tmpdir(), 'volley-reports-'));
    expect(writeReports(llm, all).map((p) => p.slice(all.length + 1))).toEqual(['stats.csv', 'history.csv', 'failures.csv', 'junit.xml', 'report.html']);
    expect(readdirSync(all).sort()).toEqual(['failures.csv', 'history.csv', 'junit.xml', 'report.html', 'stats.csv']);
    const some = mkdtempSync(join(tmpdir(), 'volley-reports-'));
    writeReports(llm, some, ['junit']);
    expect(readdirSync(some)).toEqual(['junit.xml']);
  });

  it('makes report.html self-contained: Chart.js and data inline, nothing fetched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'volley-reports-'));
    writeReports(llm, dir, ['html']);
    const page = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(page).toContain('Chart.js v4');
    expect(page).not.toMatch(/<script[^>]+src=/);
    expect(page).not.toMatch(/<link[^>]+href=/);
    expect(page).not.toContain('sourceMappingURL');
    expect(page).toContain('id="volley-charts"');
  });

  it('is what the file reporter writes when the run ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'volley-reports-'));
    await createFileReporter(dir, ['csv']).onRunEnd!(llm);
    expect(readdirSync(dir).sort()).toEqual(['failures.csv', 'history.csv', 'stats.csv']);
  });
});
