import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CapacitySummary, RunSummary } from '../../../../src/metrics/summary-types.js';
import { reportHtml } from '../../../../src/report/html/report-html.js';
import { capacityChart } from '../../../../src/report/html/charts.js';
import { formatSummaryTable } from '../../../../src/report/table.js';

const base = JSON.parse(readFileSync(new URL('../../../fixtures/summaries/http-shop.json', import.meta.url), 'utf8')) as RunSummary;

const step = (level: number, passed: boolean, p99: number, saturated = false) => ({
  level, passed, figures: { 'http.p99<300ms': p99, 'errors<1%': 0 }, failed: [...(p99 >= 300 ? ['http.p99<300ms'] : []), ...(saturated ? ['saturated'] : [])], saturated,
  ...(saturated && { saturation: ['latency kept climbing, p50 100 ms → 400 ms from the step\'s first half to its second'] }), durationMs: 1500, rps: Math.min(level, 40),
});

const capacity: CapacitySummary = {
  value: 40, unit: 'requests/s', by: 'rate', outcome: 'found', failedFirst: 'http.p99<300ms', lastPass: 40, firstFail: 42, gap: 0.05,
  objectives: ['http.p99<300ms', 'errors<1%'], message: 'capacity: 40/s (between 40/s passing and 42/s failing, ±5%)',
  steps: [step(10, true, 110), step(20, true, 120), step(40, true, 150), step(80, false, 2000, true), step(60, false, 900, true), step(42, false, 350)],
};

describe('the capacity search in the reports', () => {
  it('report.html: the answer, every step with failing figures marked, and the level found', () => {
    const page = reportHtml({ ...base, capacity });
    const section = page.slice(page.indexOf('<section id="capacity">'), page.indexOf('</section>', page.indexOf('<section id="capacity">')));
    expect(section).toContain('<h2>Capacity search</h2>');
    expect(section).toContain('capacity: 40/s (between 40/s passing and 42/s failing, ±5%)');
    const rows = section.split('<tr>').slice(2);
    expect(rows).toHaveLength(6);
    expect(rows[2]).toContain('◀ capacity');
    expect(rows.filter((r) => r.includes('◀ capacity'))).toHaveLength(1);
    expect(rows[5]).toContain('first failing');
    expect(rows[3]).toMatch(/<td class="bad">2000<\/td>/);
    expect(rows[3]).toContain('latency kept climbing');
    expect(page).toContain('"id":"chart-capacity"');
  });

  it('the chart puts each objective as a share of its limit, by level', () => {
    const chart = capacityChart({ ...base, capacity })!;
    const p99 = chart.config.data.datasets[0]!;
    expect(p99.label).toBe('http.p99<300ms');
    expect((p99.data as Array<{ x: number; y: number | null }>).map((p) => [p.x, p.y])).toEqual([[10, 36.7], [20, 40], [40, 50], [42, 116.7], [60, 300], [80, 666.7]]);
    expect(capacityChart(base)).toBeUndefined();
  });

  it('the final table says the answer', () => {
    expect(formatSummaryTable({ ...base, capacity }, { width: 200 })).toContain('\nCapacity\ncapacity: 40/s (between 40/s passing and 42/s failing, ±5%)');
  });
});
