import { fit, fmtCount, fmtDuration, fmtPercent, fmtRate, hbar, paint, wrapWords } from '../text.js';
import { BOTTLENECK_GRACE_MS, BOTTLENECK_WARNING, bottleneckDetail, overloadedWorkers } from '../../health.js';
import { formatMsCompact } from '../../format-number.js';
import type { View } from './types.js';
import { serverLineParts } from './server.js';

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
  if (s?.sweep) title.push(['  stage ', undefined, ' · '], [`${s.sweep.stage}/${s.sweep.stages}`, 'bold'], [s.stage ? ` ${s.stage}` : '']);
  else if (s?.stage) title.push(['  stage ', undefined, ' · '], [s.stage, 'bold']);
  if (s?.sweep?.remainingMs !== undefined) title.push(['  ~', undefined, ' ~'], [fmtDuration(roundLeft(s.sweep.remainingMs)), 'bold'], [' left of the sweep', undefined, ' left']);
  const cap = s?.capacity;
  if (cap) {
    const level = (x: number) => `${Math.round(x * 1000) / 1000}${cap.unit === 'users' ? ' users' : '/s'}`;
    title.push(['  capacity ', undefined, ' cap '], [`${cap.lastPass !== null ? `≥${level(cap.lastPass)}` : '?'}${cap.firstFail !== null ? ` <${level(cap.firstFail)}` : ''}`, 'bold']);
  }
  const done = view.stagesDone.length;
  if (done) title.push([`  (${done} stage${done > 1 ? 's' : ''} done)`, undefined, ` (${done} done)`]);
  const lines = [spread(title, [[`[${panelName}] `, 'bold'], STATE_BADGES[state]], width)];
  lines.push(draw(line(timeLine(view, width), width)));
  lines.push(draw(line(withArrivals(figuresLine(view), view, width), width)));
  const server = serverLineParts(s?.server);
  if (server) lines.push(draw(line(server, width)));
  // The first seconds (threads starting, modules loading) are busy by nature: as the headless output, judge after them.
  if (s && s.elapsedMs > BOTTLENECK_GRACE_MS && overloadedWorkers(s.health).length > 0) {
    const text = `⚠ ${BOTTLENECK_WARNING} (${bottleneckDetail(s.health)})`;
    for (const l of wrapWords(text, width)) lines.push(paint('white-fg red-bg bold', l));
  }
  return lines;
}

/** Whole seconds under a minute, then 5 s steps: an estimate shown to the second reads as more exact than it is. */
function roundLeft(ms: number): number {
  const sec = ms / 1000;
  return (sec < 60 ? Math.ceil(sec) : Math.ceil(sec / 5) * 5) * 1000;
}

function timeLine(view: View, width: number): Part[] {
  const s = view.snapshot;
  // Before the first figures: what the run is doing (bundling, starting workers), so the screen is never blank.
  if (!s && view.phase) return [['elapsed '], ['0s', 'bold'], ['  '], [view.phase, 'yellow-fg']];
  const durationMs = s ? s.durationMs : view.start?.durationMs;
  // Elapsed and remaining come from the same whole seconds, so they add up to the duration.
  const elapsedSec = Math.floor((s?.elapsedMs ?? 0) / 1000);
  const parts: Part[] = [['elapsed '], [fmtDuration(elapsedSec * 1000), 'bold']];
  if (!durationMs || durationMs <= 0) return [...parts, ['  no time limit']];
  const durationSec = Math.round(durationMs / 1000);
  const shownElapsed = Math.min(elapsedSec, durationSec);
  const ratio = durationSec > 0 ? shownElapsed / durationSec : 1;
  const bar = hbar(ratio, Math.max(10, Math.min(50, width - 60)));
  parts.push(['  '], [bar.filled, 'cyan-fg'], [bar.empty], [` ${fit(fmtPercent(ratio), 4, 'right')}  remaining `]);
  parts.push([fmtDuration((durationSec - shownElapsed) * 1000), 'bold'], [` of ${fmtDuration(durationSec * 1000)}`]);
  return parts;
}

/** Open models: arrivals achieved of the rate asked for, and those dropped, where the line has room for them. */
function withArrivals(parts: Part[], view: View, width: number): Part[] {
  const a = view.snapshot?.arrivals;
  if (!a) return parts;
  const target = a.targetPerSec !== undefined ? `/${fmtRate(a.targetPerSec)}` : '';
  const more: Part[] = [['  arrivals ', undefined, ' · arr '], [`${fmtRate(a.achievedPerSec)}${target}/s`, 'bold'], ['  dropped ', undefined, ' drop '], [fmtCount(a.dropped), a.dropped ? 'red-fg' : 'bold']];
  const all = [...parts, ...more];
  return widthOf(shorten(all)) <= width ? all : parts;
}

function figuresLine(view: View): Part[] {
  const s = view.snapshot;
  const users = s ? `${fmtCount(s.users)}/${fmtCount(s.targetUsers)}` : `0/${fmtCount(view.start?.users ?? 0)}`;
  const parts: Part[] = [['users '], [users, 'bold'], ['  workers ', undefined, ' · workers '], [String(s?.workers ?? view.start?.workers ?? 0), 'bold']];
  if (!s) return parts;
  const failRatio = s.total.requests ? s.total.failures / s.total.requests : 0;
  parts.push(['  requests ', undefined, ' · req '], [fmtCount(s.total.requests), 'bold'], ['  failures ', undefined, ' · fail ']);
  parts.push([`${fmtCount(s.total.failures)} (${fmtPercent(failRatio)})`, s.total.failures ? 'red-fg' : 'bold']);
  // The recent past (the live window), not the last second alone: at low rates that reads 0 between completions.
  const w = s.window;
  const over = w ? ` req/s (last ${Math.max(1, Math.round(w.seconds))}s)` : ' req/s now';
  parts.push(['  ', undefined, ' · '], [fmtRate(w ? w.rps : s.interval.rps), 'bold'], [over, undefined, '/s']);
  if (w) parts.push(['  p50 ', undefined, ' p50 '], [w.p50Ms === null ? '–' : `${formatMsCompact(w.p50Ms)} ms`, 'bold'], ['  p95 ', undefined, ' p95 '], [w.p95Ms === null ? '–' : `${formatMsCompact(w.p95Ms)} ms`, 'bold']);
  if (s.thresholds?.length) {
    const crossed = s.thresholds.filter((t) => !t.ok).length;
    const n = s.thresholds.length;
    parts.push(['  thresholds ', undefined, ' · thr ']);
    parts.push(crossed ? [`${crossed} of ${n} crossed`, 'red-fg', `${crossed}/${n} ✗`] : [`all ${n} pass`, 'green-fg', `${n}/${n} ✓`]);
  }
  return parts;
}
