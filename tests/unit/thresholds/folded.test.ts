import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OTHER_NAMES } from '../../../src/metrics/name-cap.js';
import type { RunSummary } from '../../../src/metrics/summary-types.js';
import { evaluateThresholds, parseThresholds } from '../../../src/thresholds/index.js';
import { formatThresholdValue } from '../../../src/thresholds/format.js';

const http: RunSummary = JSON.parse(readFileSync(new URL('../../fixtures/summaries/http-shop.json', import.meta.url), 'utf8'));

describe('a threshold on a name past --max-names', () => {
  it('fails and says the name may be in the folded row', () => {
    const folded: RunSummary = { ...http, endpoints: [...http.endpoints, { ...http.endpoints[0]!, name: OTHER_NAMES }] };
    const [r] = evaluateThresholds(parseThresholds(['endpoint["GET /items/9912"].p95<300ms'], 'test'), folded);
    expect(r).toMatchObject({ ok: false, value: null });
    expect(formatThresholdValue(r!)).toBe('no data: "GET /items/9912" has no row of its own: past --max-names distinct names, it may be counted under "(other names)"');
  });

  it('says nothing of the cap when nothing was folded (a misspelt name)', () => {
    const [r] = evaluateThresholds(parseThresholds(['endpoint["GET /nope"].p95<300ms'], 'test'), http);
    expect(r).toMatchObject({ ok: false, value: null });
    expect(r!.note).toBeUndefined();
  });

  it('reads the folded row itself by its name', () => {
    const folded: RunSummary = { ...http, endpoints: [...http.endpoints, { ...http.endpoints[0]!, name: OTHER_NAMES }] };
    const [r] = evaluateThresholds(parseThresholds(['endpoint["(other names)"].requests>0'], 'test'), folded);
    expect(r!.ok).toBe(true);
  });
});
