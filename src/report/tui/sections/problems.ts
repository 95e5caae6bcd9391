import type { LiveSnapshot } from '../../../metrics/live-snapshot.js';
import { formatThresholdValue } from '../../../thresholds/format.js';
import { esc, fit, fmtCount, fmtPercent, paint } from '../text.js';
import { WAITING, type SectionContent, type View } from './types.js';

type ErrorRow = LiveSnapshot['errors'][number];
type CheckRow = LiveSnapshot['checks'][number];

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

function errorLine(e: ErrorRow, width: number): string {
  const count = fit(fmtCount(e.count), 8, 'right');
  const where = fit(`${e.method} ${e.name}`.trim(), Math.min(32, Math.max(10, Math.floor(width / 3))));
  const used = count.length + where.length + 2;
  return `${paint('red-fg', count)} ${esc(where)} ${esc(fit(oneLine(e.message), width - used))}`;
}

/** Rows wanted for the errors list: a heading and one row per kind of error. */
export function errorsWanted(view: View): number {
  return Math.max(1, (view.snapshot?.errors.length ?? 0) + 1);
}

/** Errors grouped by endpoint and message, most frequent first; scrollable. */
export function renderErrors(view: View, width: number, height: number, scroll: number): SectionContent {
  const s = view.snapshot;
  if (!s) return { label: 'Errors', lines: [WAITING] };
  const names = namesSummary(s, width);
  const top = names ? [names] : [];
  if (s.errors.length === 0) return { label: 'Errors', lines: [...top, paint('green-fg', 'no errors')], maxScroll: 0 };
  const total = s.errors.reduce((n, e) => n + e.count, 0);
  const heading = paint('bold', `${fit('count', 8, 'right')} ${fit('where', Math.min(32, Math.max(10, Math.floor(width / 3))))} message`);
  const visible = Math.max(0, height - 1 - top.length);
  const maxScroll = Math.max(0, s.errors.length - visible);
  const from = Math.min(Math.max(0, scroll), maxScroll);
  const rows = s.errors.slice(from, from + visible).map((e) => errorLine(e, width));
  const range = maxScroll > 0 ? ` ${from + 1}–${from + rows.length} of ${s.errors.length}  ↑↓ scroll` : '';
  return { label: `Errors: ${fmtCount(total)} in ${s.errors.length} kinds${range}`, lines: [...top, heading, ...rows], maxScroll };
}

function checkLine(c: CheckRow, width: number): string {
  const runs = c.passes + c.fails;
  const mark = c.fails > 0 ? paint('red-fg', '✗') : paint('green-fg', '✓');
  const figures = `${fit(fmtCount(c.passes), 9, 'right')}${fit(fmtCount(c.fails), 9, 'right')}${fit(runs ? fmtPercent(c.passes / runs) : '-', 8, 'right')}`;
  return `${mark} ${esc(fit(c.name, width - 2 - figures.length))}${paint(c.fails > 0 ? 'red-fg' : undefined, figures)}`;
}

/** Checks, failing ones first. */
export function renderChecks(view: View, width: number, height: number): SectionContent {
  const s = view.snapshot;
  if (!s) return { label: 'Checks', lines: [WAITING] };
  if (s.checks.length === 0) return { label: 'Checks', lines: ['no checks in this scenario'] };
  const sorted = [...s.checks].sort((a, b) => b.fails - a.fails || a.name.localeCompare(b.name));
  const heading = paint('bold', `  ${fit('check', width - 28)}${fit('passes', 9, 'right')}${fit('fails', 9, 'right')}${fit('ok', 8, 'right')}`);
  const failing = s.checks.filter((c) => c.fails > 0).length;
  return {
    label: failing ? `Checks: ${failing} of ${s.checks.length} failing` : `Checks: all ${s.checks.length} pass`,
    lines: [heading, ...sorted.slice(0, Math.max(0, height - 1)).map((c) => checkLine(c, width))],
  };
}

/** Thresholds with their observed value and pass/fail, when the run has any. */
export function renderThresholds(view: View, width: number, height: number): SectionContent {
  const t = view.snapshot?.thresholds;
  if (!t || t.length === 0) return { label: 'Thresholds', lines: ['no thresholds'] };
  const failing = t.filter((r) => !r.ok).length;
  const lines = t.slice(0, Math.max(0, height)).map((r) => {
    const mark = r.ok ? paint('green-fg', '✓ pass') : paint('red-fg', '✗ FAIL');
    const value = formatThresholdValue(r);
    const abort = r.abortOnFail ? ' (aborts)' : '';
    return `${mark} ${esc(fit(r.expression + abort, Math.max(8, width - 20)))} ${fit(value, 12, 'right')}`;
  });
  return { label: failing ? `Thresholds: ${failing} of ${t.length} crossed` : `Thresholds: all ${t.length} pass`, lines };
}

/**
 * The overview's short form: the most frequent errors, then one line on the
 * checks (the failing ones by name).
 */
export function renderProblemsSummary(view: View, width: number, height: number): SectionContent {
  const s = view.snapshot;
  if (!s) return { label: 'Errors & checks', lines: [WAITING] };
  const checkLine = checksSummary(s, width);
  const namesLine = namesSummary(s, width);
  const room = Math.max(0, height - (checkLine ? 1 : 0) - (namesLine ? 1 : 0));
  const errors = s.errors.length === 0 ? [paint('green-fg', 'no errors')] : s.errors.slice(0, room).map((e) => errorLine(e, width));
  const lines = [...(namesLine ? [namesLine] : []), ...errors.slice(0, room), ...(checkLine ? [checkLine] : [])];
  const total = s.errors.reduce((n, e) => n + e.count, 0);
  const more = s.errors.length > room ? ` (top ${room} of ${s.errors.length} kinds; all on panel 3)` : '';
  return { label: total ? `Errors: ${fmtCount(total)}${more}` : 'Errors & checks', lines: lines.slice(0, height) };
}

function checksSummary(s: LiveSnapshot, width: number): string | undefined {
  if (s.checks.length === 0) return undefined;
  const failing = s.checks.filter((c) => c.fails > 0).sort((a, b) => b.fails - a.fails);
  if (failing.length === 0) return paint('green-fg', `checks: all ${s.checks.length} pass`);
  const names = failing.map((c) => `${c.name} (${fmtCount(c.fails)})`).join(', ');
  const head = `checks: ${failing.length} of ${s.checks.length} failing: `;
  return paint('red-fg', head + fit(names, Math.max(1, width - head.length)).trimEnd());
}

/** The names warning in one line (ids in URLs): how many names, and the fix. */
function namesSummary(s: LiveSnapshot, width: number): string | undefined {
  const n = s.names;
  if (!n?.warning) return undefined;
  const pattern = n.warning.patterns[0] ?? '/items/[id]';
  const folded = n.foldedRequests ? `; ${fmtCount(n.foldedRequests)} reqs in (other names)` : '';
  return paint('yellow-fg', fit(`names: ${fmtCount(n.distinct)} distinct: ids in URLs? name them: { name: '${pattern}' }${folded}`, width));
}
