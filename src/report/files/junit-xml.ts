import type { RunSummary } from '../../metrics/summary-types.js';
import { formatThresholdValue } from '../../thresholds/format.js';
import { escapeXml } from '../markup-escape.js';

interface TestCase {
  classname: string;
  name: string;
  /** Absent when the case passed. */
  failure?: { type: string; message: string; detail: string };
}

/**
 * junit.xml: one testsuite for the run: a test case for the run itself, then
 * one per threshold and per check, so CI shows a run that did not end well,
 * crossed thresholds and failing checks as failed tests.
 */
export function junitXml(summary: RunSummary): string {
  const cases = [runCase(summary), ...coverageCases(summary), ...thresholdCases(summary), ...checkCases(summary)];
  const failures = cases.filter((c) => c.failure).length;
  const seconds = (summary.meta.durationMs / 1000).toFixed(3);
  const suiteName = `volley: ${summary.meta.scenario}`;
  const attrs = (o: Record<string, string | number>): string => Object.entries(o).map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`).join('');
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'volley', tests: cases.length, failures, errors: 0, time: seconds })}>`,
    `  <testsuite${attrs({ name: suiteName, tests: cases.length, failures, errors: 0, skipped: 0, time: seconds, timestamp: junitTimestamp(summary.meta.startTime) })}>`,
    '    <properties>',
    ...properties(summary).map(([k, v]) => `      <property${attrs({ name: k, value: v })}/>`),
    '    </properties>',
  ];
  for (const c of cases) {
    const head = `    <testcase${attrs({ classname: c.classname, name: c.name, time: 0 })}`;
    if (!c.failure) {
      lines.push(`${head}/>`);
      continue;
    }
    lines.push(`${head}>`, `      <failure${attrs({ type: c.failure.type, message: c.failure.message })}>${escapeXml(c.failure.detail)}</failure>`, '    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

/** A merge missing an instance: one failed case, so CI does not pass on partial figures. */
function coverageCases(summary: RunSummary): TestCase[] {
  const missing = summary.meta.incomplete;
  if (!missing?.length) return [];
  const detail = missing.join('; ');
  return [{ classname: 'volley.merge', name: 'the segments merged make up the whole plan', failure: { type: 'MergeIncomplete', message: `the merged figures are partial: ${detail}`, detail: `bench merge was not given every segment of the plan: ${detail}` } }];
}

/**
 * The run itself: it fails when it was interrupted, stopped by a user error
 * (every request refused or unreachable), broke inside Volley, or its requests
 * failed (exit codes 130, 2, 70, 1); crossed thresholds have their own cases.
 */
function runCase(summary: RunSummary): TestCase {
  const m = summary.meta;
  const code = m.exitCode ?? (m.interrupted ? 130 : 0);
  const name = 'run';
  const detail = `stop reason: ${m.stopReason}; exit code ${code}; ${summary.total.requests} requests, ${summary.total.failures} failed`;
  if (code === 0 || code === 99 || code === 98) return { classname: 'volley.run', name };
  const type = code === 130 ? 'RunInterrupted' : code === 70 ? 'InternalError' : code === 2 ? 'RunStopped' : 'RequestsFailed';
  const message =
    code === 130 ? `the run was interrupted: ${m.stopReason}`
    : code === 70 ? `the run broke inside Volley: ${m.stopReason}`
    : code === 2 ? `the run stopped early: ${m.stopReason.replace(/^stopped early: /, '')}`
    : `${summary.total.failures} of ${summary.total.requests} requests failed`;
  return { classname: 'volley.run', name, failure: { type, message, detail } };
}

function thresholdCases(summary: RunSummary): TestCase[] {
  return (summary.thresholds ?? []).map((t) => {
    const observed = formatThresholdValue(t);
    return {
      classname: 'volley.thresholds',
      name: t.expression,
      ...(!t.ok && {
        failure: {
          type: 'ThresholdCrossed',
          message: `threshold ${t.expression} crossed: observed ${observed}`,
          detail: `expected ${t.expression}, observed ${observed}${t.abortOnFail ? ' (abortOnFail)' : ''}`,
        },
      }),
    };
  });
}

function checkCases(summary: RunSummary): TestCase[] {
  return summary.checks.map((c) => {
    const total = c.passes + c.fails;
    const pct = total > 0 ? ((c.fails / total) * 100).toFixed(2) : '0';
    return {
      classname: 'volley.checks',
      name: c.name,
      ...(c.fails > 0 && {
        failure: { type: 'CheckFailed', message: `${c.fails} of ${total} checks failed (${pct}%)`, detail: `check "${c.name}": ${c.passes} passed, ${c.fails} failed` },
      }),
    };
  });
}

function properties(summary: RunSummary): Array<[string, string | number]> {
  const m = summary.meta;
  return [
    ['scenario', m.scenario],
    ['toolVersion', m.toolVersion],
    ['users', m.users],
    ['workers', m.workers],
    ['requests', summary.total.requests],
    ['failures', summary.total.failures],
    ['stopReason', m.stopReason],
  ];
}

/** JUnit's schema wants a local date-time without zone or fraction; ours are UTC. */
function junitTimestamp(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 19);
}
