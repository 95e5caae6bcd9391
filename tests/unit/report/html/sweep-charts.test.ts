import { describe, expect, it } from 'vitest';
import { sweepCharts } from '../../../../src/report/html/charts.js';
import { sweepOverShapes, sweepSummary } from '../../../helpers/experiment-fixtures.js';

const datasetsOf = (id: string, charts: ReturnType<typeof sweepCharts>) => charts.find((c) => c.id === id)!.config.data.datasets;

describe('report.html sweep charts', () => {
  it('draw one curve per traffic shape, each through its own stages', () => {
    const summary = sweepSummary();
    summary.stages = sweepOverShapes(['D(100,100)', 'D(2000,200)']);
    const charts = sweepCharts(summary);
    const speed = datasetsOf('chart-sweep-speed', charts);
    expect(speed.map((d) => d.label)).toEqual(['output speed p50 · D(100,100)', 'output speed p50 · D(2000,200)']);
    expect(speed.map((d) => (d.data as unknown[]).length)).toEqual([6, 6]);
    expect(speed[0]!.borderColor).not.toBe(speed[1]!.borderColor);
    expect(datasetsOf('chart-sweep-ttft', charts)).toHaveLength(2);
    // p50, p90 and p99 for each shape.
    expect(datasetsOf('chart-sweep-e2e', charts)).toHaveLength(6);
    const errors = charts.find((c) => c.id === 'chart-sweep-errors')!.config.data;
    expect(errors.labels).toEqual(['c=1', 'c=2', 'c=4', 'c=8', 'c=16', 'c=32']);
    expect(errors.datasets.map((d) => d.label)).toEqual(['error rate % · D(100,100)', 'error rate % · D(2000,200)']);
  });

  it('keep one curve per figure for a sweep of one shape', () => {
    const charts = sweepCharts(sweepSummary());
    expect(datasetsOf('chart-sweep-speed', charts).map((d) => d.label)).toEqual(['output speed p50']);
    expect(datasetsOf('chart-sweep-e2e', charts).map((d) => d.label)).toEqual(['E2E p50', 'E2E p90', 'E2E p99']);
    expect(datasetsOf('chart-sweep-errors', charts)).toHaveLength(1);
  });
});
