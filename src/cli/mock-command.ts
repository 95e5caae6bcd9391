import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { ExitCode } from '../errors.js';
import type { MockOptions } from '../mock/options.js';
import { parseDurationMs } from '../util/duration.js';

/** Raw `bench mock` flags as commander hands them over: strings, and one boolean. */
export interface MockFlags {
  port?: string;
  host?: string;
  ttft?: string;
  itl?: string;
  jitter?: string;
  latency?: string;
  imageMs?: string;
  maxConcurrent?: string;
  tokensPerChunk?: string;
  outputTokens?: string;
  errorRate?: string;
  errorStatus?: string;
  streamErrorRate?: string;
  breakRate?: string;
  stallRate?: string;
  stall?: string;
  roleChunk?: boolean;
  reasoningTokens?: string;
  brokenJsonRate?: string;
  seed?: string;
  embeddingDim?: string;
  prefixCache?: boolean;
  cacheBlockTokens?: string;
  cacheBlocks?: string;
  prefillPerToken?: string;
  awsRegion?: string;
  googleTokenTtl?: string;
  ociPublicKey?: string;
}


// Each flag's check names the flag, what it expects and what it got, so that
// every problem reads as one line: `--ttft: expected a duration like 200ms, got "abc"`.
function flag<T>(name: string, expected: string, parse: (raw: string) => T | undefined) {
  return z
    .string()
    .transform((raw, ctx) => {
      const value = parse(raw);
      if (value === undefined) {
        ctx.addIssue({ code: 'custom', message: `${name}: expected ${expected}, got "${raw}"` });
        return z.NEVER;
      }
      return value;
    })
    .optional();
}

// The one duration rule of Volley (util/duration.ts): a bare number is seconds, as in `-t 90`.
const duration = (name: string) => flag(name, 'a duration like 200ms', (raw) => parseDurationMs(raw));
const integer = (name: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  flag(name, max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`, (raw) => {
    const value = Number(raw);
    return raw.trim() !== '' && Number.isInteger(value) && value >= min && value <= max ? value : undefined;
  });
const share = (name: string) =>
  flag(name, 'a number from 0 to 1', (raw) => {
    const value = Number(raw);
    return raw.trim() !== '' && value >= 0 && value <= 1 ? value : undefined;
  });

const mockFlagsSchema = z.object({
  port: integer('--port', 0, 65535),
  host: z.string().min(1, '--host: expected a host name or address').optional(),
  ttft: duration('--ttft'),
  itl: duration('--itl'),
  jitter: duration('--jitter'),
  latency: duration('--latency'),
  imageMs: duration('--image-ms'),
  maxConcurrent: integer('--max-concurrent', 1),
  tokensPerChunk: integer('--tokens-per-chunk', 1),
  outputTokens: integer('--output-tokens', 1),
  errorRate: share('--error-rate'),
  errorStatus: integer('--error-status', 400, 599),
  streamErrorRate: share('--stream-error-rate'),
  breakRate: share('--break-rate'),
  stallRate: share('--stall-rate'),
  brokenJsonRate: share('--broken-json-rate'),
  stall: duration('--stall'),
  roleChunk: z.boolean().optional(),
  reasoningTokens: integer('--reasoning-tokens', 0),
  seed: integer('--seed', Number.MIN_SAFE_INTEGER),
  embeddingDim: integer('--embedding-dim', 1, 65536),
  prefixCache: z.boolean().optional(),
  cacheBlockTokens: integer('--cache-block-tokens', 1, 4096),
  cacheBlocks: integer('--cache-blocks', 1),
  prefillPerToken: flag('--prefill-per-token', 'a duration like 0.05ms', (raw) => parseDurationMs(raw)),
  awsRegion: z.string().min(1, '--aws-region: expected a region such as us-east-1').optional(),
  googleTokenTtl: duration('--google-token-ttl'),
  ociPublicKey: flag('--oci-public-key', 'a readable PEM public key file', (path) => {
    try {
      const pem = readFileSync(path, 'utf8');
      return pem.includes('PUBLIC KEY') ? pem : undefined;
    } catch {
      return undefined;
    }
  }),
});

/** Turns `bench mock` flags into server options, or lists every problem, one line each. */
export function parseMockFlags(flags: MockFlags, env: NodeJS.ProcessEnv = {}): MockOptions | string[] {
  const parsed = mockFlagsSchema.safeParse(flags);
  if (!parsed.success) return parsed.error.issues.map((issue) => issue.message);
  const f = parsed.data;
  return {
    port: f.port,
    host: f.host,
    ttftMs: f.ttft,
    itlMs: f.itl,
    jitterMs: f.jitter,
    latencyMs: f.latency,
    imageMs: f.imageMs,
    maxConcurrent: f.maxConcurrent,
    tokensPerChunk: f.tokensPerChunk,
    defaultOutputTokens: f.outputTokens,
    errorRate: f.errorRate,
    errorStatus: f.errorStatus,
    streamErrorRate: f.streamErrorRate,
    breakRate: f.breakRate,
    stallRate: f.stallRate,
    brokenJsonRate: f.brokenJsonRate,
    stallMs: f.stall,
    roleChunk: f.roleChunk,
    reasoningTokens: f.reasoningTokens,
    seed: f.seed,
    embeddingDim: f.embeddingDim,
    prefixCache: f.prefixCache ?? (f.prefillPerToken !== undefined ? true : undefined),
    prefixCacheBlockTokens: f.cacheBlockTokens,
    prefixCacheBlocks: f.cacheBlocks,
    prefillPerTokenMs: f.prefillPerToken,
    // The cloud dialects accept the credentials of the mock's own environment, so that `bench mock` and `bench run` in one shell agree (docs/mock-server.md#cloud-dialects).
    ...(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY ? { awsAccessKeyId: env.AWS_ACCESS_KEY_ID, awsSecretAccessKey: env.AWS_SECRET_ACCESS_KEY } : {}),
    ...(env.VERTEX_ACCESS_TOKEN ? { googleToken: env.VERTEX_ACCESS_TOKEN } : {}),
    awsRegion: f.awsRegion,
    googleTokenTtlMs: f.googleTokenTtl,
    ociPublicKey: f.ociPublicKey,
  };
}

/** Adds `bench mock`: a local OpenAI/Anthropic/Cohere-compatible server with known timing. */
export function registerMockCommand(program: Command): void {
  program
    .command('mock')
    .description('serve a mock LLM API (OpenAI, Azure, Anthropic, Cohere, Bedrock, Vertex, OCI) with exact, known timing; see docs/mock-server.md')
    .option('--port <n>', 'port to listen on (0 = any free port)', '8000')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--ttft <duration>', 'time to first token, e.g. 200ms or 1s (a bare number is seconds)', '200ms')
    .option('--itl <duration>', 'time between tokens', '20ms')
    .option('--jitter <duration>', 'move each token time by a seeded, uniform ±jitter', '0ms')
    .option('--latency <duration>', 'time before non-streamed answers (default: ttft + itl*(n-1); 20ms for embeddings)')
    .option('--tokens-per-chunk <n>', 'tokens per stream chunk', '1')
    .option('--output-tokens <n>', 'output length when a request has no max_tokens', '128')
    .option('--error-rate <0..1>', 'share of requests answered with --error-status', '0')
    .option('--error-status <code>', 'HTTP status of injected errors', '500')
    .option('--stream-error-rate <0..1>', 'share of streams that send an error event after the first token', '0')
    .option('--break-rate <0..1>', 'share of streams cut half-way (socket destroyed)', '0')
    .option('--stall-rate <0..1>', 'share of streams that pause half-way for --stall', '0')
    .option('--stall <duration>', 'length of an injected pause', '5s')
    .option('--broken-json-rate <0..1>', 'share of JSON replies (response_format) sent without their closing brace', '0')
    .option('--no-role-chunk', 'do not send the empty role-only first chunk at once')
    .option('--reasoning-tokens <n>', 'reasoning tokens before the content (they count in max_tokens)', '0')
    .option('--image-ms <duration>', 'time per image of an images/generations answer', '500ms')
    .option('--max-concurrent <n>', 'serve at most n requests at once; the rest queue (in their TTFT, and vllm:num_requests_waiting)')
    .option('--embedding-dim <n>', 'length of embedding vectors', '384')
    .option('--seed <n>', 'seed for jitter, injected faults and the text', '1')
    .option('--prefix-cache', 'simulate a prefix cache: report cached_tokens of prompt blocks seen before (docs/mock-server.md)')
    .option('--cache-block-tokens <n>', 'tokens per prefix-cache block', '16')
    .option('--cache-blocks <n>', 'blocks the prefix cache holds (least recently used forgotten first)', '65536')
    .option('--prefill-per-token <duration>', 'TTFT added per uncached input token, e.g. 0.05ms (turns the cache on)')
    // Cloud dialects (bedrock, vertex, oci): docs/mock-server.md#cloud-dialects
    .option('--aws-region <region>', 'bedrock: refuse SigV4 signatures for another region (default: any)')
    .option('--google-token-ttl <duration>', 'vertex and azure: life of the tokens the token endpoints issue', '1h')
    .option('--oci-public-key <file>', 'oci: PEM public key that checks request signatures (without it OCI requests get 401)')
    .action(async (flags: MockFlags, command: Command) => {
      const options = parseMockFlags(flags, process.env);
      if (Array.isArray(options)) {
        command.error(options.map((problem) => `error: ${problem}`).join('\n'), { exitCode: ExitCode.UserError, code: 'volley.invalidOption' });
      }
      await serveUntilSignal(options, command);
    });
}

/** Runs the server until SIGINT or SIGTERM, then closes it cleanly. */
async function serveUntilSignal(options: MockOptions, command: Command): Promise<void> {
  // Loaded here: tiktoken's WASM should not slow down every other command.
  const { startMockServer } = await import('../mock/server.js');
  let server: Awaited<ReturnType<typeof startMockServer>>;
  try {
    server = await startMockServer(options);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'the port is in use (try --port 0)' : (err as Error).message;
    command.error(`error: cannot listen on ${options.host}:${options.port}: ${reason}`, { exitCode: ExitCode.UserError, code: 'volley.listen' });
  }
  process.stdout.write(`mock LLM server listening on ${server.url} (ttft ${options.ttftMs}ms, itl ${options.itlMs}ms)\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      server.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
