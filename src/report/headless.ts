import type { LiveSnapshot } from '../metrics/live-snapshot.js';
import type { RunSummary } from '../metrics/summary-types.js';
import type { Reporter, RunStartInfo } from '../metrics/reporter.js';
import { formatMsCompact } from './format-number.js';
import { BOTTLENECK_GRACE_MS, BOTTLENECK_WARNING, bottleneckDetail, overloadedWorkers } from './health.js';
import { formatSummaryTable } from './table.js';
import { formatDuration } from '../util/format-duration.js';
import { serverBrief } from './server-brief.js';

/** Runs of at least this many users show their start's progress ("starting users: 40,000/100,000"). */
export const STARTING_LINE_MIN_USERS = 10_000;
const STARTING_LINE_EVERY_MS = 1000;

/**
 * Headless output for CI and pipes: a compact progress line every few seconds
 * on stderr, the final table on stdout.
 */
export function createHeadlessReporter(io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }, everyMs = 5000): Reporter {
  let lastLine = -Infinity;
  let warnedBottleneck = false;
  let lastStarting = -Infinity;
  let warnedNames = false;
  return {
    onRunStart(info: RunStartInfo) {
      io.stderr.write(`volley: running ${info.scenario} with ${info.users} users on ${info.workers} workers${info.durationMs !== undefined ? ` for ${formatDuration(info.durationMs)}` : ''}\n`);
    },
    onSnapshot(s: LiveSnapshot) {
      if (!warnedBottleneck && s.elapsedMs > BOTTLENECK_GRACE_MS && overloadedWorkers(s.health).length > 0) {
        warnedBottleneck = true;
        io.stderr.write(`warning: ${BOTTLENECK_WARNING} (${bottleneckDetail(s.health)})\n`);
      }
      // Starting many users takes seconds: say how far it got, every second or so, until all run.
      if (s.targetUsers >= STARTING_LINE_MIN_USERS && s.users < s.targetUsers && s.elapsedMs - lastStarting >= STARTING_LINE_EVERY_MS) {
        lastStarting = s.elapsedMs;
        io.stderr.write(`starting users: ${s.users.toLocaleString('en-US')}/${s.targetUsers.toLocaleString('en-US')}\n`);
      }
      if (!warnedNames && s.names?.warning) {
        warnedNames = true;
        io.stderr.write(`warning: ${s.names.warning.message}\n`);
      }
      if (s.elapsedMs - lastLine < everyMs) return;
      // The first snapshot often comes before any worker has reported: "0 users, 0 requests" says nothing.
      if (lastLine === -Infinity && s.users === 0 && s.total.requests === 0) return;
      lastLine = s.elapsedMs;
      io.stderr.write(progressLine(s) + '\n');
    },
    onRunEnd(summary: RunSummary) {
      // A run shorter than a snapshot interval has no live line: the warning still reaches stderr once.
      if (!warnedNames && summary.names?.warning) {
        warnedNames = true;
        io.stderr.write(`warning: ${summary.names.warning.message}\n`);
      }
      // A terminal wider than 80 columns gets all columns; pipes and CI logs get 80.
      const stdout = io.stdout as { isTTY?: boolean; columns?: number };
      io.stdout.write('\n' + formatSummaryTable(summary, { width: stdout.isTTY && stdout.columns ? Math.max(80, stdout.columns) : 80 }));
    },
  };
}

const ms = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : formatMsCompact(x, 'ms'));

/**
 * One progress line: totals so far, and the recent rate and latencies over the
 * live window ("over 10s": the last 10 s, or fewer seconds holding 100
 * requests), – where no request completed in it. A sweep shows its stage
 * number and the time it has left.
 */
export function progressLine(s: LiveSnapshot): string {
  const t = s.total;
  const w = s.window;
  const rps = w ? w.rps : s.interval.rps;
  const over = w ? ` over ${formatDuration(Math.max(1, Math.round(w.seconds)) * 1000)}` : '';
  const recent = w
    ? `${rps.toFixed(1)} req/s  p50 ${ms(w.p50Ms)}  p95 ${ms(w.p95Ms)}${over}`
    : `${rps.toFixed(1)} req/s  p50 ${ms(s.interval.p50Ms)}  p95 ${ms(s.interval.p95Ms)}`;
  const llm =
    w?.outputTokensPerSec !== undefined
      ? `  ttft p50 ${ms(w.ttftP50Ms)}  out ${w.outputTokensPerSec.toFixed(0)} tok/s`
      : !w && s.llmInterval
        ? `  ttft p50 ${ms(s.llmInterval.ttftP50Ms)}  out ${s.llmInterval.outputTokensPerSec.toFixed(0)} tok/s`
        : '';
  const sw = s.sweep;
  const stage = sw ? ` stage ${sw.stage}/${sw.stages}${s.stage ? ` ${s.stage}` : ''}${sw.remainingMs !== undefined ? ` (~${formatDuration(roundLeft(sw.remainingMs))} left)` : ''}` : s.stage ? ` ${s.stage}` : '';
  const time = `[${formatDuration(s.elapsedMs)}${s.durationMs ? `/${formatDuration(s.durationMs)}` : ''}]`;
  const a = s.arrivals;
  const arrivals = a ? `  arrivals ${a.achievedPerSec.toFixed(1)}${a.targetPerSec !== undefined ? `/${a.targetPerSec.toFixed(1)}` : ''}/s dropped ${a.dropped}` : '';
  const cap = s.capacity;
  const level = (x: number) => `${Math.round(x * 1000) / 1000}${cap?.unit === 'users' ? ' users' : '/s'}`;
  const capacity = cap ? `  capacity ${cap.lastPass !== null ? `≥${level(cap.lastPass)}` : '?'}${cap.firstFail !== null ? ` <${level(cap.firstFail)}` : ''} after ${cap.steps} step${cap.steps === 1 ? '' : 's'}` : '';
  const blocked = s.health.filter((h) => h.blockedMs !== undefined).map((h) => `  worker ${h.index} BLOCKED ${Math.floor(h.blockedMs! / 1000)}s`).join('');
  return `${time}${stage} users ${s.users}/${s.targetUsers}  reqs ${t.requests}  fails ${t.failures}  ${recent}${llm}${arrivals}${serverBrief(s.server)}${capacity}${blocked}`;
}

/** An estimate shown to the second reads as more exact than it is: whole seconds, then 5 s steps from a minute. */
function roundLeft(msLeft: number): number {
  const sec = msLeft / 1000;
  return (sec < 60 ? Math.ceil(sec) : Math.ceil(sec / 5) * 5) * 1000;
}
