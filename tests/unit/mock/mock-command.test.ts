import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseDurationMs, parseMockFlags, registerMockCommand } from '../../../src/cli/mock-command.js';

describe('bench mock flags', () => {
  it('reads durations as 200ms, 1s or a bare number of ms', () => {
    expect(parseDurationMs('200ms')).toBe(200);
    expect(parseDurationMs('1s')).toBe(1000);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs('35')).toBe(35);
    expect(parseDurationMs('abc')).toBeUndefined();
    expect(parseDurationMs('-5ms')).toBeUndefined();
  });

  it('turns flags into server options', () => {
    expect(parseMockFlags({ port: '0', ttft: '1s', itl: '5', stall: '2s', errorRate: '0.25', roleChunk: false, outputTokens: '64' })).toMatchObject({
      port: 0,
      ttftMs: 1000,
      itlMs: 5,
      stallMs: 2000,
      errorRate: 0.25,
      roleChunk: false,
      defaultOutputTokens: 64,
    });
  });

  it('lists every bad value, one line each, naming the flag', () => {
    expect(parseMockFlags({ ttft: 'abc', errorRate: '2', errorStatus: '200', port: 'x' })).toEqual([
      '--port: expected an integer from 0 to 65535, got "x"',
      '--ttft: expected a duration like 200ms, got "abc"',
      '--error-rate: expected a number from 0 to 1, got "2"',
      '--error-status: expected an integer from 400 to 599, got "200"',
    ]);
  });

  it('exits with code 2 and a one-line message on a bad value', async () => {
    let stderr = '';
    const program = new Command('bench').exitOverride().configureOutput({ writeErr: (s) => (stderr += s), writeOut: () => {} });
    registerMockCommand(program);
    const failure = await program.parseAsync(['node', 'bench', 'mock', '--ttft', 'abc']).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(CommanderError);
    expect((failure as CommanderError).exitCode).toBe(2);
    expect(stderr).toBe('error: --ttft: expected a duration like 200ms, got "abc"\n');
  });
});
