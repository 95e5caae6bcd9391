import type { WorkerHealth } from '../../../metrics/live-snapshot.js';
import { formatMsCompact } from '../../format-number.js';
import { CPU_LIMIT, LOOP_DELAY_LIMIT_MS } from '../../../metrics/health-limits.js';
import { fit, fmtPercent, hbar, paint } from '../text.js';
import { WAITING, type SectionContent, type View } from './types.js';

/** Rows wanted: a heading and one row per worker. */
export function healthWanted(view: View): number {
  return (view.snapshot?.health.length ?? 0) + 1;
}

/**
 * CPU and event-loop delay per worker thread, past-limit values in red. When the
 * box cannot hold a row per worker it shows the busiest ones; with a single row,
 * a summary line.
 */
export function renderHealth(view: View, width: number, height: number): SectionContent {
  const health = view.snapshot?.health;
  if (!health) return { label: 'Load generator', lines: [WAITING] };
  if (health.length === 0) return { label: 'Load generator', lines: ['no worker figures yet'] };
  if (height < 2 || width < 40) return { label: 'Load generator', lines: [summary(health)] };
  const rowsFree = height - 1;
  // Blocked workers first, then the busiest.
  const rank = (w: WorkerHealth) => (w.blockedMs !== undefined ? 2 : w.cpu);
  const shown = health.length <= rowsFree ? health : [...health].sort((a, b) => rank(b) - rank(a)).slice(0, rowsFree);
  const barWidth = Math.max(4, Math.min(30, width - 36));
  const lines = [paint('bold', `${fit('worker', 7)}${fit('CPU', barWidth + 6)}${fit('loop delay', 11, 'right')}${fit('users', 8, 'right')}`)];
  for (const w of shown) {
    if (w.blockedMs !== undefined) {
      lines.push(fit(String(w.index), 7) + paint('red-fg', fit(blockedText(w.blockedMs), width - 7)));
      continue;
    }
    const cpuStyle = w.cpu > CPU_LIMIT ? 'red-fg' : 'green-fg';
    const bar = hbar(w.cpu, barWidth);
    lines.push(
      fit(String(w.index), 7) +
        paint(cpuStyle, bar.filled) + bar.empty +
        paint(w.cpu > CPU_LIMIT ? 'red-fg' : undefined, fit(fmtPercent(w.cpu), 6, 'right')) +
        paint(w.eventLoopDelayMs > LOOP_DELAY_LIMIT_MS ? 'red-fg' : undefined, fit(formatMsCompact(w.eventLoopDelayMs, ' ms'), 11, 'right')) +
        fit(String(w.users), 8, 'right'),
    );
  }
  const more = health.length - shown.length;
  return { label: more > 0 ? `Load generator (busiest ${shown.length} of ${health.length} workers)` : 'Load generator', lines };
}

/** A worker whose heartbeat stopped: its figures are stale, so say so instead of showing them. */
function blockedText(ms: number): string {
  return `BLOCKED ${Math.floor(ms / 1000)}s: event loop not turning (a task that never yields?)`;
}

function summary(health: WorkerHealth[]): string {
  const blocked = health.find((w) => w.blockedMs !== undefined);
  if (blocked) return paint('red-fg', `worker ${blocked.index} ${blockedText(blocked.blockedMs!)}`);
  const busiest = health.reduce((a, b) => (b.cpu > a.cpu ? b : a));
  const delay = Math.max(...health.map((w) => w.eventLoopDelayMs));
  const avg = health.reduce((n, w) => n + w.cpu, 0) / health.length;
  const cpu = paint(busiest.cpu > CPU_LIMIT ? 'red-fg' : undefined, `CPU max ${fmtPercent(busiest.cpu)} (worker ${busiest.index})`);
  const loop = paint(delay > LOOP_DELAY_LIMIT_MS ? 'red-fg' : undefined, `loop delay max ${formatMsCompact(delay, ' ms')}`);
  return `${cpu} · avg ${fmtPercent(avg)} · ${loop} · ${health.length} workers`;
}
