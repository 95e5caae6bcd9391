import type { HistoryRow, RunSummary, StageSummary } from '../../metrics/summary-types.js';

/** A point; `label` is drawn next to it and shown in the tooltip (sweep charts: the concurrency). */
interface Point {
  x: number;
  y: number | null;
  label?: string;
}

interface Dataset {
  label: string;
  data: Point[] | Array<number | null>;
  borderColor: string;
  backgroundColor: string;
  /** Draws each point's label beside it (the report's small plugin). */
  pointLabels?: boolean;
  [option: string]: unknown;
}

/** A Chart.js configuration, plain JSON: the report's script hands it to `new Chart`. */
export interface ChartSpec {
  id: string;
  title: string;
  /** One line under the title on how to read it. */
  caption?: string;
  config: { type: 'line' | 'bar'; data: { labels?: string[]; datasets: Dataset[] }; options: Record<string, unknown> };
}

export const COLORS = { blue: '#2563eb', red: '#dc2626', green: '#16a34a', amber: '#d97706', purple: '#7c3aed', teal: '#0d9488', slate: '#475569' };
const fill = (hex: string): string => `${hex}22`;

function series(label: string, color: string, data: Dataset['data'], extra: Record<string, unknown> = {}): Dataset {
  // Straight segments: the points are per-second measurements, and a smoothed curve draws values between them that were never measured.
  return { label, data, borderColor: color, backgroundColor: fill(color), borderWidth: 1.75, pointRadius: 0, tension: 0, spanGaps: true, ...extra };
}

function axes(xTitle: string, yTitle: string, xType: 'linear' | 'category' = 'linear'): Record<string, unknown> {
  return {
    x: { type: xType, title: { display: true, text: xTitle }, grid: { display: xType === 'linear' } },
    y: { beginAtZero: true, title: { display: true, text: yTitle } },
  };
}

const stageLabel = (s: StageSummary, i: number): string => (s.concurrency !== undefined ? `c=${s.concurrency}` : s.name || `stage ${i + 1}`);

/** The x axis ends where the data ends, not at the next round tick. */
function timeAxes(summary: RunSummary, yTitle: string): Record<string, unknown> {
  const scales = axes('seconds since start', yTitle) as { x: Record<string, unknown> };
  const last = summary.history[summary.history.length - 1];
  scales.x = { ...scales.x, min: 0, ...(last && { max: last.t }) };
  return scales;
}

/**
 * Seconds where the stage changes, for the dashed lines in the time charts; a
 * sweep's stages are labelled by concurrency (c=8), which fits between the lines.
 */
function stageStarts(summary: RunSummary): Array<{ t: number; name: string }> {
  const short = new Map((summary.stages ?? []).map((s, i) => [s.name, stageLabel(s, i)]));
  const starts: Array<{ t: number; name: string }> = [];
  let prev: string | undefined;
  for (const r of summary.history) {
    if (r.stage !== undefined && r.stage !== prev) starts.push({ t: r.t, name: short.get(r.stage) ?? r.stage });
    prev = r.stage;
  }
  return starts;
}

type TimeSeries = [label: string, color: string, pick: (r: HistoryRow) => number | undefined, own?: Record<string, unknown>];

export function timeChart(id: string, title: string, yTitle: string, summary: RunSummary, datasets: TimeSeries[], extra: Record<string, unknown> = {}): ChartSpec {
  return {
    id,
    title,
    config: {
      type: 'line',
      data: { datasets: datasets.map(([label, color, pick, own]) => series(label, color, summary.history.map((r) => ({ x: r.t, y: pick(r) ?? null })), { ...extra, ...own })) },
      options: {
        interaction: { mode: 'index', intersect: false },
        scales: timeAxes(summary, yTitle),
        plugins: { volleyStages: { starts: stageStarts(summary) } },
      },
    },
  };
}

/**
 * No latency is ever 0 (the histograms start at 1 µs), so a 0 (summaries before
 * history rows had null) or null is a second without samples: drawn as a gap bridged by the line, not a drop to zero. Slow LLM
 * requests leave many such seconds.
 */
const measured = (value: number | null | undefined): number | undefined => (value === 0 || value === null ? undefined : value);

/** Charts over time from `summary.history`. */
export function historyCharts(summary: RunSummary): ChartSpec[] {
  const h = summary.history;
  if (h.length === 0) return [];
  const charts = [
    timeChart('chart-rps', 'Requests per second', 'per second', summary, [
      ['requests/s', COLORS.blue, (r) => r.rps],
      ['failures/s', COLORS.red, (r) => r.failuresPerSec],
    ]),
    timeChart('chart-latency', 'Response time', 'ms', summary, [
      ['p50', COLORS.green, (r) => measured(r.p50Ms)],
      ['p95', COLORS.amber, (r) => measured(r.p95Ms)],
      // Dashed and drawn last: where few requests make p99 equal p95, it still shows on top of it.
      ['p99', COLORS.red, (r) => measured(r.p99Ms), { borderDash: [6, 3], borderWidth: 2.25, order: -1 }],
    ]),
    timeChart('chart-users', 'Users', 'users', summary, [['users', COLORS.purple, (r) => r.users]], { stepped: true, fill: true, tension: 0 }),
  ];
  if (h.some((r) => r.ttftP50Ms !== undefined)) {
    charts.push(timeChart('chart-ttft', 'Time to first token', 'ms', summary, [
      ['TTFT p50', COLORS.teal, (r) => measured(r.ttftP50Ms)],
      ['TTFT p99', COLORS.red, (r) => measured(r.ttftP99Ms)],
    ]));
  }
  if (h.some((r) => r.outputTokensPerSec !== undefined)) {
    charts.push(timeChart('chart-tokens', 'Output tokens per second', 'tokens/s', summary, [['output tokens/s', COLORS.blue, (r) => r.outputTokensPerSec]], { fill: true }));
  }
  return charts;
}

function xyChart(id: string, title: string, caption: string, xTitle: string, yTitle: string, datasets: Dataset[]): ChartSpec {
  return {
    id,
    title,
    caption,
    config: {
      type: 'line',
      data: { datasets },
      // Room above and to the right for the stage labels drawn beside the points.
      options: { interaction: { mode: 'nearest', intersect: false }, scales: axes(xTitle, yTitle), layout: { padding: { top: 14, right: 28 } } },
    },
  };
}

/** Several curves over the same stages share their labels: only the one marked `labelled` draws them. */
const curve = (label: string, color: string, points: Point[], labelled = true): Dataset =>
  series(label, color, points, { pointRadius: 4, pointHoverRadius: 6, tension: 0, pointLabels: labelled });

const PALETTE = [COLORS.blue, COLORS.amber, COLORS.green, COLORS.purple, COLORS.teal, COLORS.red, COLORS.slate];

/**
 * The stages by traffic shape, in the order first run: a sweep of several
 * shapes draws one curve per shape, never one line zigzagging across them.
 */
function byTraffic(stages: StageSummary[]): Array<{ traffic: string | undefined; stages: StageSummary[] }> {
  const groups = new Map<string | undefined, StageSummary[]>();
  for (const s of stages) groups.set(s.traffic, [...(groups.get(s.traffic) ?? []), s]);
  return [...groups].map(([traffic, list]) => ({ traffic, stages: list }));
}

/**
 * GenAI Bench's views of a concurrency sweep: each point is one stage, one
 * curve per traffic shape. Without LLM figures, the latency and error views
 * use the request latency instead.
 */
export function sweepCharts(summary: RunSummary): ChartSpec[] {
  const stages = summary.stages ?? [];
  if (stages.length < 2) return [];
  const charts: ChartSpec[] = [];
  const llmStages = stages.filter((s) => s.llm && s.llm.requests > 0);
  // With several shapes the point label is the concurrency alone; the legend names the shape.
  const pt = (s: StageSummary, x: number, y: number): Point => ({ x, y, label: s.concurrency !== undefined ? `c=${s.concurrency}` : stageLabel(s, stages.indexOf(s)) });
  const groups = (list: StageSummary[]) => byTraffic(list).map((g, i) => ({ ...g, color: PALETTE[i % PALETTE.length]!, name: (label: string) => (byTraffic(list).length > 1 ? `${label} · ${g.traffic ?? 'no traffic'}` : label) }));
  if (llmStages.length >= 2) {
    const g = groups(llmStages);
    const several = g.length > 1;
    charts.push(
      xyChart('chart-sweep-speed', 'Output speed vs output throughput', 'Per-request speed falls as the server batches more requests; the knee is the sweet spot.', 'output throughput (tokens/s, all requests)', 'tokens/s per request (p50)',
        g.map((x) => curve(x.name('output speed p50'), x.color, x.stages.map((s) => pt(s, s.llm!.outputTokensPerSec, s.llm!.outputSpeedTokPerS.p50))))),
      xyChart('chart-sweep-ttft', 'TTFT vs output throughput', 'How long users wait for the first token at each throughput.', 'output throughput (tokens/s, all requests)', 'TTFT p50 (ms)',
        g.map((x) => curve(x.name('TTFT p50'), several ? x.color : COLORS.teal, x.stages.map((s) => pt(s, s.llm!.outputTokensPerSec, s.llm!.ttftMs.p50))))),
      xyChart('chart-sweep-e2e', 'End-to-end latency vs requests per second', several ? 'Whole-request latency percentiles at each request rate: p50 solid, p90 dashed, p99 dotted; a color per traffic shape.' : 'Whole-request latency percentiles at each request rate.', 'requests per second', 'E2E latency (ms)',
        g.flatMap((x) => [
          curve(x.name('E2E p50'), several ? x.color : COLORS.green, x.stages.map((s) => pt(s, s.llm!.requestsPerSec, s.llm!.e2eMs.p50)), false),
          { ...curve(x.name('E2E p90'), several ? x.color : COLORS.amber, x.stages.map((s) => pt(s, s.llm!.requestsPerSec, s.llm!.e2eMs.p90)), false), ...(several && { borderDash: [6, 3] }) },
          { ...curve(x.name('E2E p99'), several ? x.color : COLORS.red, x.stages.map((s) => pt(s, s.llm!.requestsPerSec, s.llm!.e2eMs.p99))), ...(several && { borderDash: [2, 2] }) },
        ])),
    );
  } else {
    const g = groups(stages);
    const several = g.length > 1;
    charts.push(
      xyChart('chart-sweep-latency', 'Latency vs requests per second', 'Response-time percentiles at each request rate.', 'requests per second', 'response time (ms)',
        g.flatMap((x) => [
          curve(x.name('p50'), several ? x.color : COLORS.green, x.stages.map((s) => pt(s, s.total.rps, s.total.latencyMs.p50)), false),
          { ...curve(x.name('p95'), several ? x.color : COLORS.amber, x.stages.map((s) => pt(s, s.total.rps, s.total.latencyMs.p95)), false), ...(several && { borderDash: [6, 3] }) },
          { ...curve(x.name('p99'), several ? x.color : COLORS.red, x.stages.map((s) => pt(s, s.total.rps, s.total.latencyMs.p99))), ...(several && { borderDash: [2, 2] }) },
        ])),
    );
  }
  const errorRate = (s: StageSummary): number => {
    const requests = s.llm?.requests ?? s.total.requests;
    const failures = s.llm?.failures ?? s.total.failures;
    return requests > 0 ? Math.round((failures / requests) * 10000) / 100 : 0;
  };
  const byConcurrency = stages.every((s) => s.concurrency !== undefined);
  const g = groups(stages);
  // Several shapes: a bar per shape at each concurrency; else a bar per stage as run.
  const labels = g.length > 1 && byConcurrency ? [...new Set(stages.map((s) => s.concurrency!))].sort((a, b) => a - b).map((c) => `c=${c}`) : stages.map(stageLabel);
  const datasets =
    g.length > 1 && byConcurrency
      ? g.map((x) => ({ label: `error rate % · ${x.traffic ?? 'no traffic'}`, data: labels.map((l) => { const st = x.stages.find((s) => `c=${s.concurrency}` === l); return st ? errorRate(st) : null; }), borderColor: x.color, backgroundColor: `${x.color}99`, borderWidth: 1 }))
      : [{ label: 'error rate %', data: stages.map(errorRate), borderColor: COLORS.red, backgroundColor: `${COLORS.red}99`, borderWidth: 1 }];
  charts.push({
    id: 'chart-sweep-errors',
    title: byConcurrency ? 'Error rate vs concurrency' : 'Error rate by stage',
    caption: 'Share of failed requests in each stage.',
    config: {
      type: 'bar',
      data: { labels, datasets },
      options: { scales: axes(byConcurrency ? 'concurrency' : 'stage', 'failed requests (%)', 'category') },
    },
  });
  return charts;
}

/** The limit of an objective as written (`http.p99<300ms` → 300), in the unit its figures are in. */
const limitOf = (expression: string): number | undefined => {
  const m = /(?:<=|>=|==|<|>)\s*(\d+(?:\.\d+)?|\.\d+)/.exec(expression);
  return m ? Number(m[1]) : undefined;
};

/**
 * The capacity search (docs/capacity.md): each objective's figure at each
 * level tried, as a share of its limit, so objectives of different units share
 * one axis and 100% is the line every passing level stays on the right side of.
 */
export function capacityChart(summary: RunSummary): ChartSpec | undefined {
  const c = summary.capacity;
  if (!c || c.steps.length === 0) return undefined;
  const palette = [COLORS.red, COLORS.blue, COLORS.amber, COLORS.teal, COLORS.purple, COLORS.green];
  const sorted = [...c.steps].sort((a, b) => a.level - b.level);
  const datasets = c.objectives.map((o, i) => {
    const limit = limitOf(o);
    const points: Point[] = sorted.map((s) => {
      const v = s.figures[o];
      return { x: s.level, y: v === null || v === undefined || !limit ? null : Math.round((v / limit) * 1000) / 10, label: s.level === c.value ? 'capacity' : s.passed ? undefined : 'fail' };
    });
    return curve(o, palette[i % palette.length]!, points, i === 0);
  });
  const unit = c.unit === 'users' ? 'users' : 'arrival rate (requests/s)';
  return xyChart('chart-capacity', 'Capacity search: objectives by level', `Each objective's figure at each level tried, as % of its limit (100% is the limit). The capacity is ${c.value ?? 'not found'}${c.value !== null ? ` ${c.unit}` : ''}.`, unit, '% of the limit', datasets);
}
