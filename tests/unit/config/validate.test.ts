import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { validateOptions } from '../../../src/config/validate.js';

function problemsOf(input: unknown): string[] {
  try {
    validateOptions('bench.config.ts', input);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('E_CONFIG');
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('validateOptions', () => {
  it('refuses a host that is neither an http(s) URL nor mock, before any request', () => {
    expect(problemsOf({ host: 'localhost:8080' }).join('\n')).toContain("host: expected an http:// or https:// base URL such as http://127.0.0.1:8080, or 'mock'");
    expect(problemsOf({ host: 'ftp://example.com' }).join('\n')).toContain('host: expected an http://');
    expect(validateOptions('test', { host: 'mock' }).host).toBe('mock');
    expect(validateOptions('test', { host: 'https://api.example.com/v1' }).host).toBe('https://api.example.com/v1');
  });

  it('refuses a request timeout of 0, which would fail every request', () => {
    expect(problemsOf({ requestTimeout: 0 }).join('\n')).toContain('requestTimeout: expected a duration above 0, e.g. 30s');
  });

  it('accepts every core option and parses durations to milliseconds', () => {
    const o = validateOptions('test', {
      users: 10,
      spawnRate: 2.5,
      duration: '1m30s',
      iterations: 100,
      host: 'http://127.0.0.1:8080',
      workers: 2,
      headless: true,
      out: 'results',
      seed: 42,
      stopTimeout: '250ms',
      requestTimeout: 5,
      exitCodeOnError: 3,
      userClasses: 'A, B',
      tags: ['checkout'],
      excludeTags: 'slow,admin',
      thresholds: ['http.p95<300ms'],
      skipHostCheck: true,
    });
    expect(o).toMatchObject({ duration: 90_000, stopTimeout: 250, requestTimeout: 5000, userClasses: ['A', 'B'], tags: ['checkout'], excludeTags: ['slow', 'admin'] });
  });

  it('reports every invalid field at once, each with its path, what was expected and what was given', () => {
    const problems = problemsOf({ users: -1, duration: 'abc', workers: 0, headless: 'yes', spawnRate: 'fast', seed: 1.5, tags: 5 });
    expect(problems).toEqual([
      'users: expected number to be >=0, got -1',
      'spawnRate: expected number, got "fast"',
      'duration: expected a duration like 90s, 5m, 1h or 1m30s, got "abc"',
      'workers: expected number to be >0, got 0',
      'headless: expected boolean, got "yes"',
      'seed: expected an integer, got 1.5',
      'tags: expected a list of names or a comma-separated string, got 5',
    ]);
  });

  it('names nested paths', () => {
    expect(problemsOf({ mock: { ttft: 'soon', errorRate: 2 } })).toEqual([
      'mock.ttft: expected a duration like 90s, 5m, 1h or 1m30s, got "soon"',
      'mock.errorRate: expected number to be <=1, got 2',
    ]);
  });

  it('rejects unknown keys, so a typo never falls back to a default silently', () => {
    expect(problemsOf({ user: 5, durration: '1m', users: 2 })).toEqual(['user, durration: unknown options; see docs/cli.md for the list']);
    expect(problemsOf({ mock: { ttfb: '1s' } })).toEqual(['mock.ttfb: unknown option; see docs/cli.md for the list']);
  });

  it('says what it got when the whole value is wrong', () => {
    expect(problemsOf(5)).toEqual(['(root): expected object, got 5']);
  });

  it('names command-line problems by flag, --threshold for thresholds', () => {
    const err = (() => {
      try {
        validateOptions('command line', { spawnRate: -1, thresholds: ['http.p95<abc'] }, 'flags');
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err.problems[0]).toMatch(/^--spawn-rate: /);
    expect(err.problems[1]).toMatch(/^--threshold \(0\): /);
  });

  it('puts the source and every problem in the message', () => {
    expect(() => validateOptions('command line', { users: 'many', duration: '5 min' })).toThrow(
      'invalid command line:\n  - users: expected number, got "many"\n  - duration: expected a duration like 90s, 5m, 1h or 1m30s, got "5 min"',
    );
  });
});
