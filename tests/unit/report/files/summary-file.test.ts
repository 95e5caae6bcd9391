import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../../src/errors.js';
import type { RunSummary } from '../../../../src/metrics/summary-types.js';
import { readSummaryJson, writeSummaryJson } from '../../../../src/report/files/summary-file.js';

const http: RunSummary = JSON.parse(readFileSync(new URL('../../../fixtures/summaries/http-shop.json', import.meta.url), 'utf8'));
const dir = (): string => mkdtempSync(join(tmpdir(), 'volley-summary-'));
const failure = (f: () => unknown): UserError => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected a UserError');
};

describe('summary.json', () => {
  it('is written with 2-space indentation and read back from the folder or the file', () => {
    const d = dir();
    const path = writeSummaryJson(http, d);
    expect(path).toBe(join(d, 'summary.json'));
    expect(readFileSync(path, 'utf8')).toBe(JSON.stringify(http, null, 2) + '\n');
    expect(readSummaryJson(d)).toEqual(http);
    expect(readSummaryJson(path)).toEqual(http);
  });

  it('names the path and gives a hint when it is missing', () => {
    const d = dir();
    const err = failure(() => readSummaryJson(d));
    expect(err.message).toBe(`cannot read ${join(d, 'summary.json')}: no such file`);
    expect(err.hint).toBe(`${d} holds no summary.json: give the folder that \`bench run … --out <dir>\` wrote, or run the scenario again with --out ${d}`);
  });

  it('says when the file is not JSON', () => {
    const d = dir();
    writeFileSync(join(d, 'summary.json'), '{"version": 1, "meta": ');
    expect(failure(() => readSummaryJson(d)).message).toMatch(/^cannot read .*summary\.json: not valid JSON/);
  });

  it('lists what is wrong with a file that is not a summary', () => {
    const d = dir();
    writeFileSync(join(d, 'summary.json'), JSON.stringify({ version: 1, meta: { scenario: 1 } }));
    const err = failure(() => readSummaryJson(d));
    expect(err.message).toContain('is not a Volley summary');
    expect(err.message).toContain('meta.scenario');
  });

  it('refuses a newer format version', () => {
    const d = dir();
    writeFileSync(join(d, 'summary.json'), JSON.stringify({ ...http, version: 2 }));
    expect(failure(() => readSummaryJson(d)).message).toContain('has summary format version 2; this bench reads version 1');
  });
});
