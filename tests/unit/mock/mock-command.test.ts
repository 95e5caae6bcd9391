import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseMockFlags, registerMockCommand } from '../../../src/cli/mock-command.js';
import { validateOptions } from '../../../src/config/validate.js';

describe('bench mock flags', () => {
  it('reads durations as 200ms, 1.5s, 1m30s or a bare number of seconds', () => {
    const ms = (ttft: string) => (parseMockFlags({ ttft }) as { ttftMs?: number }).ttftMs;
    expect(ms('200ms')).toBe(200);
    expect(ms('1.5s')).toBe(1500);
    expect(ms('1m30s')).toBe(90_000);
    expect(ms('35')).toBe(35_000);
    expect(parseMockFlags({ ttft: '-5ms' })).toEqual(['--ttft: expected a duration like 200ms, got "-5ms"']);
  });

  it('reads a bare number as a config file does: `--ttft 200` and `mock: { ttft: 200 }` are the same time', () => {
    const config = validateOptions('volley.config.ts', { mock: { ttft: 200, itl: '20' } });
    const flags = parseMockFlags({ ttft: '200', itl: '20' }) as { ttftMs?: number; itlMs?: number };
    expect(flags.ttftMs).toBe(200_000);
    expect({ ttft: flags.ttftMs, itl: flags.itlMs }).toEqual(config.mock);
  });

  it('--prefill-per-token turns the prefix cache on; --prefix-cache alone leaves prefill free', () => {
    expect(parseMockFlags({ prefillPerToken: '0.2ms' })).toMatchObject({ prefixCache: true, prefillPerTokenMs: 0.2 });
    expect(parseMockFlags({ prefixCache: true, cacheBlockTokens: '32', cacheBlocks: '1000' })).toMatchObject({ prefixCache: true, prefixCacheBlockTokens: 32, prefixCacheBlocks: 1000, prefillPerTokenMs: undefined });
    expect(parseMockFlags({ cacheBlockTokens: '0' })).toEqual(['--cache-block-tokens: expected an integer from 1 to 4096, got "0"']);
  });

  it('turns flags into server options', () => {
    expect(parseMockFlags({ port: '0', ttft: '1s', itl: '5ms', stall: '2s', errorRate: '0.25', roleChunk: false, outputTokens: '64' })).toMatchObject({
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

describe('bench mock: cloud dialect flags', () => {
  it('takes the AWS pair and the Vertex token of its own environment, an OCI public key file, and names a bad one', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'volley-mock-flags-'));
    try {
      const pem = join(dir, 'key.pub.pem');
      writeFileSync(pem, '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n');
      const o = parseMockFlags({ ociPublicKey: pem, googleTokenTtl: '2s', awsRegion: 'eu-west-1' }, { AWS_ACCESS_KEY_ID: 'AKIAX', AWS_SECRET_ACCESS_KEY: 'sec', VERTEX_ACCESS_TOKEN: 'tok' });
      expect(o).toMatchObject({ awsAccessKeyId: 'AKIAX', awsSecretAccessKey: 'sec', googleToken: 'tok', googleTokenTtlMs: 2000, awsRegion: 'eu-west-1' });
      expect((o as { ociPublicKey: string }).ociPublicKey).toContain('BEGIN PUBLIC KEY');
      expect(parseMockFlags({ ociPublicKey: join(dir, 'missing.pem') })).toEqual([`--oci-public-key: expected a readable PEM public key file, got "${join(dir, 'missing.pem')}"`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
