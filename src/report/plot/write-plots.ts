import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { escapeHtml } from '../markup-escape.js';
import { filterPoints, pointsOf, seriesLabeller, type GroupKey, type PointFilter, type RunResults } from '../experiments/runs.js';
import { gridSpec, plotCharts, type PlotChart, type PlotRow } from './chart-specs.js';
import { renderSvg, svgToPng } from './render.js';
import { UserError } from '../../errors.js';

export interface PlotOptions {
  outDir: string;
  groupBy: GroupKey[];
  filters: PointFilter[];
}

export interface PlotResult {
  /** Every file written, index.html last. */
  files: string[];
  charts: PlotChart[];
  series: string[];
}

/**
 * `bench plot`: GenAI Bench's grid of charts over the runs' stages, each as
 * SVG and PNG, the grid in one figure, and index.html showing them all.
 */
export async function writePlots(runs: RunResults[], opts: PlotOptions): Promise<PlotResult> {
  const all = runs.flatMap(pointsOf);
  const points = filterPoints(all, opts.filters);
  if (points.length === 0) {
    const given = opts.filters.map((f) => `${f.key}=${f.value}`).join(' ');
    throw new UserError(`--filter ${given}: no stage of the ${runs.length} run${runs.length === 1 ? '' : 's'} matches`, 'leave the filter out to see every stage, or check its value against the runs (bench export lists them)');
  }
  const label = seriesLabeller(points, opts.groupBy);
  const rows: PlotRow[] = points.map((p) => ({ ...p, series: label(p) }));
  const traffics = new Set(rows.map((r) => r.traffic)).size > 1 && !opts.groupBy.includes('traffic');
  const charts = plotCharts(rows, [...opts.groupBy, ...(traffics ? ['traffic'] : [])].join(' · '));
  mkdirSync(opts.outDir, { recursive: true });
  const files: string[] = [];
  const write = async (id: string, spec: PlotChart['spec']) => {
    const svg = await renderSvg(spec);
    const svgPath = join(opts.outDir, `${id}.svg`);
    const pngPath = join(opts.outDir, `${id}.png`);
    writeFileAtomic(svgPath, svg);
    writeFileAtomic(pngPath, svgToPng(svg));
    files.push(svgPath, pngPath);
  };
  for (const c of charts) await write(c.id, c.spec);
  if (charts.length > 1) await write('grid', gridSpec(charts));
  const index = join(opts.outDir, 'index.html');
  writeFileAtomic(index, indexHtml(charts, runs, rows, opts));
  files.push(index);
  return { files, charts, series: [...new Set(rows.map((r) => r.series))] };
}

function indexHtml(charts: PlotChart[], runs: RunResults[], rows: PlotRow[], opts: PlotOptions): string {
  const e = escapeHtml;
  const figure = (c: { id: string; title: string; caption: string }) =>
    `<figure><a href="${e(c.id)}.svg"><img src="${e(c.id)}.svg" alt="${e(c.title)}"></a><figcaption>${e(c.caption)} <a href="${e(c.id)}.png">PNG</a> · <a href="${e(c.id)}.svg">SVG</a></figcaption></figure>`;
  const runRows = runs
    .map((r) => {
      const x = r.summary.experiment;
      const cells = [r.experiment, x?.provider ?? '', x?.serverEngine ?? '', x?.serverVersion ?? '', x?.serverGpuType ?? '', x?.serverGpuCount ?? '', x?.model ?? '', r.summary.meta.startTime, relative(opts.outDir, r.dir) || '.'];
      return `<tr>${cells.map((c) => `<td>${e(String(c))}</td>`).join('')}</tr>`;
    })
    .join('\n');
  const filters = opts.filters.length ? ` · filter ${opts.filters.map((f) => `${f.key}=${f.value}`).join(', ')}` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Volley plots</title>
<style>
body{font-family:system-ui,'DejaVu Sans',sans-serif;margin:24px;color:#0f172a}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:16px}
figure{margin:0;border:1px solid #e2e8f0;border-radius:6px;padding:8px}
img{width:100%;height:auto}
figcaption{font-size:13px;color:#475569}
table{border-collapse:collapse;font-size:13px;margin-top:24px}
td,th{border:1px solid #e2e8f0;padding:4px 8px;text-align:left}
</style></head><body>
<h1>Volley plots</h1>
<p>${runs.length} run${runs.length === 1 ? '' : 's'}, ${rows.length} stage${rows.length === 1 ? '' : 's'}, ${new Set(rows.map((r) => r.series)).size} curve(s) · grouped by ${e(opts.groupBy.join(', '))}${e(filters)}</p>
<main>
${charts.map(figure).join('\n')}
</main>
${charts.length > 1 ? `<h2>The grid</h2>\n${figure({ id: 'grid', title: 'All charts', caption: 'Every chart in one figure.' })}` : ''}
<h2>Runs</h2>
<table><thead><tr><th>experiment</th><th>provider</th><th>server engine</th><th>version</th><th>GPU</th><th>GPUs</th><th>model</th><th>started</th><th>folder</th></tr></thead>
<tbody>
${runRows}
</tbody></table>
</body></html>
`;
}
