import type { LiveSnapshot } from '../metrics/live.js';
import type { RunSummary } from '../metrics/summary-types.js';
import type { Reporter, RunStartInfo } from './reporter.js';
import { formatMsCompact } from './format-number.js';
import { BOTTLENECK_WARNING, bottleneckDetail, overloadedWorkers } from './health.js';
import { formatSummaryTable } from './table.js';
import { formatDuration } from '../config/duration.js';

/**
 * Headless output for CI and pipes: a compact progress line every few seconds
 * on stderr, the final table on stdout.
 */
export function createHeadlessReporter(io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }, everyMs = 5000): Reporter {
  let lastLine = -Infinity;
  let warnedBottleneck = false;
  let warnedNames = false;
  return {
    onRunStart(info: RunStartInfo) {
      io.stderr.write(`volley: running ${info.scenario} with ${info.users} users on ${info.workers} workers${info.durationMs !== undefined ? ` for ${formatDuration(info.durationMs)}` : ''}\n`);
    },
    onSnapshot(s: LiveSnapshot) {
      if (!warnedBottleneck && s.elapsedMs > 3000 && overloadedWorkers(s.health).length > 0) {
        warnedBottleneck = true;
        io.stderr.write(`warning: ${BOTTLENECK_WARNING} (${bottleneckDetail(s.health)})\n`);
      }
      if (!warnedNames && s.names?.warning) {
        warnedNames = true;
        io.stderr.write(`warning: ${s.names.warning.message}\n`);
      }
      if (s.elapsedMs - lastLine < everyMs) return;
      // The first snapshot often comes before any worker has reported: "0 users, 0 requests" says nothing.
      if (lastLine === -Infinity && s.users === 0 && s.total.requests === 0) return;
      lastLine = s.elapsedMs;
      const t = s.total;
      const llm = s.llmInterval ? `  ttft p50 ${formatMsCompact(s.llmInterval.ttftP50Ms, 'ms')}  out ${s.llmInterval.outputTokensPerSec.toFixed(0)} tok/s` : '';
      io.stderr.write(
        `[${formatDuration(s.elapsedMs)}${s.durationMs ? `/${formatDuration(s.durationMs)}` : ''}]${s.stage ? ` ${s.stage}` : ''} users ${s.users}/${s.targetUsers}  reqs ${t.requests}  fails ${t.failures}  ${s.interval.rps.toFixed(1)} req/s  p50 ${formatMsCompact(s.interval.p50Ms, 'ms')}  p95 ${formatMsCompact(s.interval.p95Ms, 'ms')}${llm}\n`,
      );
    },
    onRunEnd(summary: RunSummary) {
      io.stdout.write('\n' + formatSummaryTable(summary));
    },
  };
}
