import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { mergeRuns } from '../../../src/distributed/merge/index.js';
import type { RunSummary } from '../../../src/metrics/summary-types.js';
import { writeSummaryJson } from '../../../src/report/files/summary-file.js';

const SECRET = 'sk-volley-test-3f9a7c1e';
const fixture = (): RunSummary => JSON.parse(readFileSync(new URL('../../fixtures/summaries/http-shop.json', import.meta.url), 'utf8')) as RunSummary;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'volley-summary-file-'));
  process.env.VOLLEY_TEST_API_KEY = SECRET;
});
afterEach(() => {
  delete process.env.VOLLEY_TEST_API_KEY;
  rmSync(dir, { recursive: true, force: true });
});

/** A summary in which the key reached an error message and a warning, as a server's echo can make it. */
function leaky(): RunSummary {
  const s = fixture();
  s.errors = [{ ...s.errors[0]!, message: `HTTP 401: bad key ${SECRET}`, count: 1 }, ...s.errors.slice(1)];
  s.warnings = [`the server answered with ${SECRET}`];
  return s;
}

it('writes summary.json with credential values redacted', () => {
  const text = readFileSync(writeSummaryJson(leaky(), dir), 'utf8');
  expect(text).not.toContain(SECRET);
  expect(text).toContain('HTTP 401: bad key ***');
});

it('bench merge writes summary.json through the same redacting writer as bench run', () => {
  const inputs = ['a', 'b'].map((name) => {
    const input = join(dir, name);
    mkdirSync(input);
    // Written as an older or foreign run could have left it: unredacted.
    writeFileSync(join(input, 'summary.json'), JSON.stringify(leaky(), null, 2));
    return input;
  });
  const out = join(dir, 'merged');
  mergeRuns({ inputs, out });
  const text = readFileSync(join(out, 'summary.json'), 'utf8');
  expect(text).toContain('HTTP 401: bad key ***');
  expect(text).not.toContain(SECRET);
});
