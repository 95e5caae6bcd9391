import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LiveSnapshot } from '../../../src/metrics/live-snapshot.js';
import type { RunSummary, ThresholdResult } from '../../../src/metrics/summary-types.js';
import { junitXml } from '../../../src/report/files/junit-xml.js';
import { thresholdsSection } from '../../../src/report/html/sections.js';
import { formatSummaryTable } from '../../../src/report/table.js';
import { LiveHistory } from '../../../src/report/tui/history.js';
import { renderThresholds } from '../../../src/report/tui/sections/problems.js';
import { evaluateThresholds, formatThresholdValue, parseThresholds } from '../../../src/thresholds/index.js';

const http: RunSummary = JSON.parse(readFileSync(new URL('../../fixtures/summaries/http-shop.json', import.meta.url), 'utf8'));

describe('formatThresholdValue', () => {
  it('shows the unit the result carries', () => {
    expect(formatThresholdValue({ expression: 'checks.rate>99%', ok: true, value: 99.41234, unit: '%' })).toBe('99.412%');
    expect(formatThresholdValue({ expression: 'http.p95<0.5s', ok: true, value: 0.3276, unit: 's' })).toBe('0.328s');
    expect(formatThresholdValue({ expression: 'http.p95<=400', ok: true, value: 327.679, unit: 'ms' })).toBe('327.7ms');
    expect(formatThresholdValue({ expression: 'http.errors.rate<0.01', ok: true, value: 0.008, unit: '' })).toBe('0.008');
    expect(formatThresholdValue({ expression: 'http.p95<1s', ok: false, value: null, unit: 's' })).toBe('no data');
  });

  it('reads the unit off the expression in summaries written before results carried it', () => {
    expect(formatThresholdValue({ expression: 'checks.rate>99%', ok: true, value: 99.5 })).toBe('99.5%');
    expect(formatThresholdValue({ expression: 'endpoint["POST /checkout"].p99<1s abort', ok: false, value: 1.459199 })).toBe('1.459s');
    expect(formatThresholdValue({ expression: 'http.rps>50', ok: true, value: 61.25 })).toBe('61.25');
  });
});

describe('a rate threshold in every report', () => {
  const [rate] = evaluateThresholds(parseThresholds(['checks.rate>99.9%'], 'test'), http) as [ThresholdResult];
  const summary: RunSummary = { ...http, thresholds: [rate] };
  const shown = formatThresholdValue(rate);

  it('is evaluated in percent and shown with a %', () => {
    expect(rate.unit).toBe('%');
    expect(rate.ok).toBe(false);
    expect(shown).toMatch(/^\d+(\.\d+)?%$/);
  });

  it('reads the same in the TUI, the final table, the HTML report and junit.xml', () => {
    const snapshot = { thresholds: [rate] } as unknown as LiveSnapshot;
    const tui = renderThresholds({ snapshot, history: new LiveHistory(), endpoints: [], stagesDone: [] }, 80, 5).lines.join('\n');
    expect(tui).toContain(shown);
    expect(formatSummaryTable(summary)).toContain(`✗ checks.rate>99.9% (observed ${shown})`);
    expect(String(thresholdsSection(summary))).toContain(shown);
    expect(junitXml(summary)).toContain(`observed ${shown}`);
  });
});
