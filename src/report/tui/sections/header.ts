import { fit, fmtCount, fmtDuration, fmtPercent, fmtRate, hbar, paint, wrapWords } from '../text.js';
import { BOTTLENECK_WARNING, bottleneckDetail, overloadedWorkers } from '../../health.js';
import type { View } from './types.js';

/**
 * A piece of a line: plain text, an optional style, and a shorter text used when
 * the whole line does not fit; widths are known before painting.
 */
type Part = [text: string, style?: string, short?: string];

const widthOf = (parts: Part[]): number => parts.reduce((n, [t]) => n + t.length, 0);
const draw = (parts: Part[]): string => parts.map(([t, s]) => paint(s, t)).join('');
const shorten = (parts: Part[]): Part[] => parts.map(([t, s, short]) => [short ?? t, s]);

/** The long form if it fits, else the short form, cut at the edge if even that does not fit. */
function line(parts: Part[], width: number): Part[] {
  if (widthOf(parts) <= width) return parts;
  const short = shorten(parts);
  if (widthOf(short) <= width) return short;
  const out: Part[] = [];
  let room = width;
  for (const [t, style] of short) {
    if (room <= 0) break;
    out.push([t.length > room ? fit(t, room) : t, style]);
    room -= t.length;
  }
  return out;
}

/** Left parts, then right parts pushed to the right edge. */
function spread(left: Part[], right: Part[], width: number): string {
  const l = line(left, Math.max(0, width - widthOf(right)));
  return draw(l) + ' '.repeat(Math.max(0, width - widthOf(l) - widthOf(right))) + draw(right);
}

export type RunState = 'starting' | 'running' | 'stopping';

const STATE_BADGES: Record<RunState, Part> = {
  starting: [' starting ', 'black-fg white-bg'],
  running: [' running ', 'black-fg green-bg'],
  stopping: [' stopping… ', 'black-fg yellow-bg'],
};

/**
 * The header: scenario and stage, time with a progress bar, users and totals,
 * and the bottleneck warning (wrapped, never cut) when a worker is past its limits.
 */
export function renderHeader(view: View, width: number, panelName: string, state: RunState): string[] {
  const s = view.snapshot;
  const title: Part[] = [[' VOLLEY ', 'black-fg cyan-bg'], [' scenario ', undefined, ' '], [s?.scenario ?? view.start?.scenario ?? '', 'bold']];
  if (s?.stage) title.push(['  stage ', undefined, ' · '], [s.stage, 'bold']);
  const done = view.stagesDone.length;
  if (done) title.push([`  (${done} stage${done > 1 ? 's' : ''} done)`, undefined, ` (${done} done)`]);
  const lines = [spread(title, [[`[${panelName}] `, 'bold'], STATE_BADGES[state]], width)];
  lines.push(draw(line(timeLine(view, width), width)));
  lines.push(draw(line(figuresLine(view), width)));
  if (s && overloadedWorkers(s.health).length > 0) {
    const text = `⚠ ${BOTTLENECK_WARNING} (${bottleneckDetail(s.health)})`;
    for (const l of wrapWords(text, width)) lines.push(paint('white-fg red-bg bold', l));
  }
  return lines;
}

function timeLine(view: View, width: number): Part[] {
  const s = view.snapshot;
  const elapsedMs = s?.elapsedMs ?? 0;
  const durationMs = s ? s.durationMs : view.start?.durationMs;
  const parts: Part[] = [['elapsed '], [fmtDuration(elapsedMs), 'bold']];
  if (!durationMs || durationMs <= 0) return [...parts, ['  no time limit']];
  const ratio = Math.min(1, elapsedMs / durationMs);
  const bar = hbar(ratio, Math.max(10, Math.min(50, width - 60)));
  parts.push(['  '], [bar.filled, 'cyan-fg'], [bar.empty], [` ${fit(fmtPercent(ratio), 4, 'right')}  remaining `]);
  parts.push([fmtDuration(Math.max(0, durationMs - elapsedMs)), 'bold'], [` of ${fmtDuration(durationMs)}`]);
  return parts;
}

function figuresLine(view: View): Part[] {
  const s = view.snapshot;
  const users = s ? `${fmtCount(s.users)}/${fmtCount(s.targetUsers)}` : `0/${fmtCount(view.start?.users ?? 0)}`;
  const parts: Part[] = [['users '], [users, 'bold'], ['  workers ', undefined, ' · workers '], [String(s?.workers ?? view.start?.workers ?? 0), 'bold']];
  if (!s) return parts;
  const failRatio = s.total.requests ? s.total.failures / s.total.requests : 0;
  parts.push(['  requests ', undefined, ' · req '], [fmtCount(s.total.requests), 'bold'], ['  failures ', undefined, ' · fail ']);
  parts.push([`${fmtCount(s.total.failures)} (${fmtPercent(failRatio)})`, s.total.failures ? 'red-fg' : 'bold']);
  parts.push(['  ', undefined, ' · '], [fmtRate(s.interval.rps), 'bold'], [' req/s now', undefined, '/s']);
  if (s.thresholds?.length) {
    const crossed = s.thresholds.filter((t) => !t.ok).length;
    const n = s.thresholds.length;
    parts.push(['  thresholds ', undefined, ' · thr ']);
    parts.push(crossed ? [`${crossed} of ${n} crossed`, 'red-fg', `${crossed}/${n} ✗`] : [`all ${n} pass`, 'green-fg', `${n}/${n} ✓`]);
  }
  return parts;
}
