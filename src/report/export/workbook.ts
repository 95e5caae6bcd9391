import ExcelJS from 'exceljs';
import { pointsOf, type RunResults, type StagePoint } from '../experiments/runs.js';

/** The figures a summary row gives per experiment (the `Summary` sheet). */
export interface ExperimentVerdict {
  experiment: string;
  /** The highest concurrency whose per-user output speed (p50) is at least the floor; null when none is. */
  maxConcurrencyAtFloor: number | null;
  /** Output tokens/s of all requests at that concurrency. */
  throughputAtFloor: number | null;
  peakOutputTokensPerSec: number | null;
  concurrencyAtPeak: number | null;
  stages: number;
}

/**
 * Per experiment: the highest concurrency that still gives each user at least
 * `minUserTps` output tokens per second (GenAI Bench's "how many users can it
 * serve"), and the peak output throughput with the concurrency it was reached at.
 */
export function verdictOf(experiment: string, points: StagePoint[], minUserTps: number): ExperimentVerdict {
  const meeting = points.filter((p) => p.concurrency !== null && p.userTokensPerSec !== null && p.userTokensPerSec >= minUserTps);
  const best = meeting.reduce<StagePoint | undefined>((b, p) => (b === undefined || p.concurrency! > b.concurrency! || (p.concurrency === b.concurrency && (p.outputTokensPerSec ?? 0) > (b.outputTokensPerSec ?? 0)) ? p : b), undefined);
  const peak = points.reduce<StagePoint | undefined>((b, p) => (p.outputTokensPerSec !== null && (b === undefined || p.outputTokensPerSec > b.outputTokensPerSec!) ? p : b), undefined);
  return {
    experiment,
    maxConcurrencyAtFloor: best?.concurrency ?? null,
    throughputAtFloor: best?.outputTokensPerSec ?? null,
    peakOutputTokensPerSec: peak?.outputTokensPerSec ?? null,
    concurrencyAtPeak: peak?.concurrency ?? null,
    stages: points.length,
  };
}

/** Columns of an experiment's sheet: header, width, and the figure. */
const STAGE_COLUMNS: Array<[header: string, width: number, read: (p: StagePoint) => string | number | null]> = [
  ['stage', 18, (p) => p.stage],
  ['concurrency', 12, (p) => p.concurrency],
  ['traffic', 18, (p) => p.traffic],
  ['requests', 10, (p) => p.requests],
  ['requests/s', 11, (p) => p.requestsPerSec],
  ['TTFT p50 (ms)', 13, (p) => p.ttftP50Ms],
  ['TTFT p90 (ms)', 13, (p) => p.ttftP90Ms],
  ['TTFT p99 (ms)', 13, (p) => p.ttftP99Ms],
  ['TPOT p50 (ms)', 13, (p) => p.tpotP50Ms],
  ['TPOT p90 (ms)', 13, (p) => p.tpotP90Ms],
  ['TPOT p99 (ms)', 13, (p) => p.tpotP99Ms],
  ['E2E p50 (ms)', 13, (p) => p.e2eP50Ms],
  ['E2E p90 (ms)', 13, (p) => p.e2eP90Ms],
  ['E2E p99 (ms)', 13, (p) => p.e2eP99Ms],
  ['output tok/s', 13, (p) => p.outputTokensPerSec],
  ['tok/s per user (p50)', 18, (p) => p.userTokensPerSec],
  ['input tok/s', 12, (p) => p.inputTokensPerSec],
  ['errors', 9, (p) => p.failures],
  ['error rate (%)', 13, (p) => p.errorRatePct],
];

/** Excel sheet names: at most 31 characters, none of : \ / ? * [ ], unique in the book. */
export function sheetNames(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    const clean = n.replace(/[:\\/?*[\]]/g, '-').slice(0, 31) || 'run';
    let name = clean;
    for (let i = 2; used.has(name.toLowerCase()); i++) name = `${clean.slice(0, 31 - String(i).length - 1)}~${i}`;
    used.add(name.toLowerCase());
    return name;
  });
}

const HEADER_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE2E8F0' } } as const;

/**
 * `bench export --xlsx`: a Summary sheet (a row per experiment and traffic shape) and one
 * sheet per experiment with every stage's figures. Returns the workbook; the
 * caller writes it.
 */
export function buildWorkbook(runs: RunResults[], minUserTps: number): ExcelJS.Workbook {
  const book = new ExcelJS.Workbook();
  book.creator = 'volley';
  const summary = book.addWorksheet('Summary');
  summary.columns = [
    { header: 'experiment', key: 'experiment', width: 48 },
    { header: 'sheet', key: 'sheet', width: 32 },
    { header: 'provider', key: 'provider', width: 10 },
    { header: 'server engine', key: 'serverEngine', width: 13 },
    { header: 'server version', key: 'serverVersion', width: 13 },
    { header: 'GPU type', key: 'serverGpuType', width: 10 },
    { header: 'GPUs', key: 'serverGpuCount', width: 6 },
    { header: 'model', key: 'model', width: 28 },
    { header: 'traffic', key: 'traffic', width: 20 },
    { header: `max concurrency with ≥ ${minUserTps} tok/s per user`, key: 'maxConcurrencyAtFloor', width: 22 },
    { header: 'output tok/s there', key: 'throughputAtFloor', width: 16 },
    { header: 'peak output tok/s', key: 'peakOutputTokensPerSec', width: 16 },
    { header: 'concurrency at peak', key: 'concurrencyAtPeak', width: 16 },
    { header: 'stages', key: 'stages', width: 8 },
    { header: 'started', key: 'started', width: 26 },
  ];
  const names = sheetNames(runs.map((r) => r.experiment));
  runs.forEach((run, i) => {
    const points = pointsOf(run);
    const x = run.summary.experiment;
    // A row per traffic shape: what a server sustains depends on the shape of its requests.
    for (const traffic of [...new Set(points.map((p) => p.traffic))]) {
      const v = verdictOf(run.experiment, points.filter((p) => p.traffic === traffic), minUserTps);
      summary.addRow({
        ...v,
        sheet: names[i],
        provider: x?.provider ?? '',
        serverEngine: x?.serverEngine ?? '',
        serverVersion: x?.serverVersion ?? '',
        serverGpuType: x?.serverGpuType ?? '',
        serverGpuCount: x?.serverGpuCount ?? null,
        model: points[0]?.model ?? '',
        traffic,
        started: run.summary.meta.startTime,
      });
    }
    const sheet = book.addWorksheet(names[i]!);
    sheet.columns = STAGE_COLUMNS.map(([header, width]) => ({ header, width }));
    for (const p of points) sheet.addRow(STAGE_COLUMNS.map(([, , read]) => read(p)));
    styleHeader(sheet);
  });
  styleHeader(summary);
  return book;
}

function styleHeader(sheet: ExcelJS.Worksheet): void {
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'top' };
  header.eachCell((c) => (c.fill = HEADER_FILL));
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
}
