import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../../src/metrics/summary-types.js';
import { junitXml } from '../../../../src/report/files/junit-xml.js';

const http: RunSummary = JSON.parse(readFileSync(new URL('../../../fixtures/summaries/http-shop.json', import.meta.url), 'utf8'));

interface Case {
  '@_name': string;
  '@_classname': string;
  failure?: { '@_message': string; '@_type': string; '#text': string };
}

function parse(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, htmlEntities: true, isArray: (name) => ['testcase', 'property'].includes(name) }).parse(xml);
  return doc.testsuites as { '@_tests': string; '@_failures': string; testsuite: { '@_name': string; '@_tests': string; '@_failures': string; '@_timestamp': string; testcase: Case[] } };
}

describe('junit.xml', () => {
  it('is one testsuite with a test case per threshold and per check', () => {
    const suites = parse(junitXml(http));
    const suite = suites.testsuite;
    expect(suite['@_name']).toBe('volley: scenarios/shop.ts');
    expect(suite['@_timestamp']).toBe('2025-06-12T09:30:00');
    expect(suite.testcase.map((c) => [c['@_classname'], c['@_name']])).toEqual([
      ['volley.run', 'run'],
      ['volley.thresholds', 'http.p95<500ms'],
      ['volley.thresholds', 'endpoint["POST /checkout"].p99<1s'],
      ['volley.thresholds', 'http.errors.rate<1%'],
      ['volley.thresholds', 'checks.rate>99%'],
      ['volley.checks', 'status is 200'],
      ['volley.checks', 'cart has the item'],
    ]);
    expect(suite['@_tests']).toBe('7');
    expect(suite['@_failures']).toBe('3');
    expect(suites['@_failures']).toBe('3');
  });

  it('gives failed cases a failure with the observed value', () => {
    const suite = parse(junitXml(http)).testsuite;
    const crossed = suite.testcase[2]!;
    expect(crossed.failure!['@_type']).toBe('ThresholdCrossed');
    expect(crossed.failure!['@_message']).toBe('threshold endpoint["POST /checkout"].p99<1s crossed: observed 1.459s');
    expect(suite.testcase[1]!.failure).toBeUndefined();
    const check = suite.testcase[6]!;
    expect(check.failure!['@_message']).toBe('11 of 841 checks failed (1.31%)');
  });

  it('escapes markup, quotes and control characters in names', () => {
    const odd = structuredClone(http);
    odd.checks = [{ name: `<b>"it's" & 'so'</b>\u0001\nnext`, passes: 1, fails: 1 }];
    odd.meta.scenario = ']]><x/>';
    const xml = junitXml(odd);
    const suite = parse(xml).testsuite;
    // Round-trips through a parser; the markup never appears raw in the file.
    expect(suite['@_name']).toBe('volley: ]]><x/>');
    expect(xml).not.toContain('<x/>');
    expect(xml).not.toContain('<b>');
    expect(xml).not.toContain('\u0001');
    expect(suite.testcase.at(-1)!['@_name']).toBe(`<b>"it's" & 'so'</b>\nnext`);
  });

  it('with no thresholds and no checks, still has the run as a test case', () => {
    const none = { ...http, thresholds: undefined, checks: [] };
    none.meta = { ...http.meta, exitCode: 0, interrupted: false, stopReason: 'duration reached' };
    const suite = parse(junitXml(none)).testsuite;
    expect(suite['@_tests']).toBe('1');
    expect(suite.testcase).toEqual([{ '@_classname': 'volley.run', '@_name': 'run', '@_time': '0' }]);
  });

  it.each([
    [130, 'interrupted', 'RunInterrupted', 'the run was interrupted: interrupted'],
    [2, 'stopped early: the first 6 LLM requests were all refused with HTTP 401/403 (auth)', 'RunStopped', 'the run stopped early: the first 6 LLM requests were all refused with HTTP 401/403 (auth)'],
    [70, 'worker 0 died: boom', 'InternalError', 'the run broke inside Volley: worker 0 died: boom'],
    [1, 'duration reached', 'RequestsFailed', `${http.total.failures} of ${http.total.requests} requests failed`],
  ])('a run that ended with exit code %i fails its test case, with the stop reason', (exitCode, stopReason, type, message) => {
    const s = { ...http, thresholds: undefined, checks: [] };
    s.meta = { ...http.meta, exitCode, stopReason, interrupted: exitCode === 130 };
    const suite = parse(junitXml(s)).testsuite;
    expect(suite['@_failures']).toBe('1');
    const run = suite.testcase[0]!;
    expect(run.failure!['@_type']).toBe(type);
    expect(run.failure!['@_message']).toBe(message);
    expect(run.failure!['#text']).toContain(`stop reason: ${stopReason}; exit code ${exitCode}`);
  });
});
