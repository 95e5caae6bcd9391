import type { LiveSnapshot } from '../metrics/live.js';
import type { RunSummary } from '../metrics/summary-types.js';
import type { Reporter, RunStartInfo } from './reporter.js';
import { formatSummaryTable, fmtMs } from './table.js';
import { formatDuration } from '../config/duration.js';

/**
 * Headless output for CI and pipes: a compact progress line every few seconds
 * on stderr, the final table on stdout.
 */
export function createHeadlessReporter(io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }, everyMs = 5000): Reporter {
  let lastLine = -Infinity;
  let warnedBottleneck = false;
  return {
    onRunStart(info: RunStartInfo) {
      io.stderr.write(`volley: running ${info.scenario} with ${info.users} users on ${info.workers} workers${info.durationMs !== undefined ? ` for ${formatDuration(info.durationMs)}` : ''}\n`);
    },
    onSnapshot(s: LiveSnapshot) {
      const hot = s.health.find((h) => h.cpu > 0.9 || h.eventLoopDelayMs > 50);
      if (hot && !warnedBottleneck && s.elapsedMs > 3000) {
        warnedBottleneck = true;
        io.stderr.write(`warning: worker ${hot.index} is saturated (cpu ${(hot.cpu * 100).toFixed(0)}%, event-loop delay ${hot.eventLoopDelayMs.toFixed(0)} ms): the load generator may be the bottleneck; add --workers or machines\n`);
      }
      if (s.elapsedMs - lastLine < everyMs) return;
      // The first snapshot often comes before any worker has reported: "0 users, 0 requests" says nothing.
      if (lastLine === -Infinity && s.users === 0 && s.total.requests === 0) return;
      lastLine = s.elapsedMs;
      const t = s.total;
      const llm = s.llmInterval ? `  ttft p50 ${fmtMs(s.llmInterval.ttftP50Ms)}ms  out ${s.llmInterval.outputTokensPerSec.toFixed(0)} tok/s` : '';
      io.stderr.write(
        `[${formatDuration(s.elapsedMs)}${s.durationMs ? `/${formatDuration(s.durationMs)}` : ''}]${s.stage ? ` ${s.stage}` : ''} users ${s.users}/${s.targetUsers}  reqs ${t.requests}  fails ${t.failures}  ${s.interval.rps.toFixed(1)} req/s  p50 ${fmtMs(s.interval.p50Ms)}ms  p95 ${fmtMs(s.interval.p95Ms)}ms${llm}\n`,
      );
    },
    onRunEnd(summary: RunSummary) {
      io.stdout.write('\n' + formatSummaryTable(summary));
    },
  };
}
