import * as z from 'zod';
import { parseDurationMs } from '../util/duration.js';
import { parseSizeBytes } from './size.js';
import { thresholdsSchema } from '../thresholds/schema.js';
import { parseSegment } from './segment.js';
import { parseStartAt } from './start-at.js';
import { parseLiveUrl } from './live-url.js';
import { loadModelOptionKeys } from './load-models.js';
import { capacityOptionKeys } from './capacity.js';
import { MAX_TIMER_MS } from '../util/long-timeout.js';
import { TOKENIZERS, unknownTokenizerProblem } from '../workload/tokenizer-names.js';
import { openTokenizerProblem, type OpenTokenizerName } from '../workload/hf-tokenizer.js';
import type { TokenizerName } from '../workload/tokenizer.js';

/** What `tokenizer` takes: a tiktoken encoding, an open model's name, or a tokenizer.json path. */
type TokenizerOption = TokenizerName | OpenTokenizerName | `${string}.json`;

/** A duration option: '90s', '5m', '1h', '250ms' or a number of seconds; parsed to ms. */
export const durationMs = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDurationMs(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration like 90s, 5m, 1h or 1m30s' });
    return z.NEVER;
  }
  return ms;
});

/** Timers that repeat or bound one request cannot be chained sensibly: they stay within Node's timer range. */
const belowTimerLimit = (ms: number): boolean => ms <= MAX_TIMER_MS;
const TIMER_LIMIT_MESSAGE = 'expected a duration of at most 596h (2^31 ms, the longest timer Node.js runs)';

/** A host the run can send to: the built-in mock, or an http(s) URL (reachability is checked later, unless skipped). */
function isBaseUrl(v: string): boolean {
  if (v === 'mock') return true;
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** Runs a parser that throws a UserError, turning its message into a zod issue. */
function refineWith(ctx: z.RefinementCtx, parse: () => unknown): void {
  try {
    parse();
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^--[\w-]+ "[^"]*": /, '') });
  }
}

/** An http(s) URL of a service Volley talks to besides the target (a /metrics page, a remote-write receiver). */
const httpUrl = z.string().refine((v) => isBaseUrl(v) && v !== 'mock', { message: 'expected an http:// or https:// URL such as http://127.0.0.1:8000/metrics' });

const list = z.union([z.array(z.string()), z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))], {
  error: 'expected a list of names or a comma-separated string',
});

/** Options of the built-in mock LLM server started for `host = 'mock'`. */
const mockOptions = z
  .object({
    ttft: durationMs.optional(),
    itl: durationMs.optional(),
    jitter: durationMs.optional(),
    tokensPerChunk: z.number().int().positive().optional(),
    errorRate: z.number().min(0).max(1).optional(),
    outputTokens: z.number().int().positive().optional(),
    reasoningTokens: z.number().int().min(0).optional(),
    // The mock's prefix cache (docs/mock-server.md#prefix-cache).
    prefixCache: z.boolean().optional(),
    prefillPerTokenMs: z.number().min(0).optional(),
    // A concurrency cap: a capacity known in advance (docs/mock-server.md#concurrency-cap).
    maxConcurrent: z.number().int().positive().optional(),
  })
  .strict();

/**
 * Every option a user can set, from any source. Unknown keys are errors, so a
 * typo never silently falls back to a default.
 */
export const optionsSchema = z
  .object({
    users: z.number().int().min(0),
    spawnRate: z.number().positive(),
    duration: durationMs,
    iterations: z.number().int().positive(),
    host: z.string().refine(isBaseUrl, { message: "expected an http:// or https:// base URL such as http://127.0.0.1:8080, or 'mock'" }),
    workers: z.number().int().positive().max(256),
    headless: z.boolean(),
    out: z.string().min(1),
    seed: z.number().int(),
    stopTimeout: durationMs,
    /** Bound of setup(), teardown() and each user's onStart()/onStop() (docs/exit-codes.md#hangs). */
    lifecycleTimeout: durationMs.refine((ms) => ms > 0, { message: 'expected a duration above 0, e.g. 30s' }),
    requestTimeout: durationMs.refine((ms) => ms > 0, { message: 'expected a duration above 0, e.g. 30s' }).refine(belowTimerLimit, { message: TIMER_LIMIT_MESSAGE }),
    exitCodeOnError: z.number().int().min(0).max(255),
    userClasses: list,
    tags: list,
    excludeTags: list,
    thresholds: thresholdsSchema,
    skipHostCheck: z.boolean(),
    snapshotInterval: durationMs.refine(belowTimerLimit, { message: TIMER_LIMIT_MESSAGE }),
    // Load models (docs/load-models.md): stages, rate, arrivals, burstiness, maxUsers,
    // preAllocatedUsers, iterationsPerUser, correctCoordinatedOmission, shape, scenarios.
    ...loadModelOptionKeys,
    // LLM benchmarking (docs/llm.md)
    traffic: z.union([z.string(), z.array(z.string())]),
    concurrency: z.union([z.array(z.number().int().positive()), z.string().transform((s, ctx) => {
      const parts = s.split(',').map((x) => Number(x.trim()));
      if (parts.some((n) => !Number.isInteger(n) || n <= 0)) {
        ctx.addIssue({ code: 'custom', message: `expected a list of positive integers like 1,2,4,8, got ${JSON.stringify(s)}` });
        return z.NEVER;
      }
      return parts;
    })]),
    /** Texts per embeddings request, documents per rerank; a list sweeps them (docs/llm.md#batch-size-sweeps). */
    batchSize: z.union([z.number().int().positive().transform((n) => [n]), z.array(z.number().int().positive()).min(1), z.string().transform((s, ctx) => {
      const parts = s.split(',').map((x) => Number(x.trim()));
      if (parts.some((n) => !Number.isInteger(n) || n <= 0)) {
        ctx.addIssue({ code: 'custom', message: `expected a positive integer or a list like 1,8,32, got ${JSON.stringify(s)}` });
        return z.NEVER;
      }
      return parts;
    })]),
    maxRequestsPerStage: z.number().int().positive(),
    maxTimePerStage: durationMs,
    warmup: durationMs,
    dataset: z.string().min(1),
    /** tiktoken's cl100k_base (default) or o200k_base, an open model's (llama3, qwen3…), or a tokenizer.json path (docs/llm.md#tokenizers). */
    tokenizer: z.custom<TokenizerOption>((v) => typeof v === 'string', { message: 'expected a tokenizer name or the path of a tokenizer.json' }).superRefine((v, ctx) => {
      const problem = unknownTokenizerProblem(v) ?? (TOKENIZERS.includes(v as never) ? undefined : openTokenizerProblem(v));
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    prefixLen: z.number().int().min(0),
    // Conversations and prefix caches (docs/llm.md#conversations, #prefix-caches).
    conversations: z.boolean(),
    turns: z.number().int().min(1).max(10_000),
    turnThink: durationMs.refine(belowTimerLimit, { message: TIMER_LIMIT_MESSAGE }),
    prefixPool: z.number().int().min(1).max(100_000),
    warmCache: z.boolean(),
    prefixSalt: z.string().regex(/^[\w.-]{1,64}$/, { message: "expected 1 to 64 letters, digits, '_', '.' or '-'" }),
    slo: z.string().min(1),
    maxErrorRate: z.number().min(0).max(1),
    /** Distinct request, check, trend and counter names kept per run; more fold into '(other names)' rows (docs/scenarios.md). */
    maxNames: z.number().int().positive(),
    requestsLog: z.string().min(1),
    /** How LLM requests to plain-HTTP servers travel: raw sockets (default) or undici (docs/llm.md). */
    llmTransport: z.enum(['socket', 'undici']),
    /** How HttpUser requests to plain-HTTP hosts travel: raw sockets (default) or undici (docs/scenarios.md). */
    httpTransport: z.enum(['socket', 'undici']),
    /** Per-response body cap, a size such as 16MiB (docs/scenarios.md, "Response bodies"). */
    maxBody: z.union([z.string(), z.number()]).transform((v, ctx) => {
      const bytes = parseSizeBytes(v);
      if (bytes === undefined || bytes < 1) {
        ctx.addIssue({ code: 'custom', message: 'expected a size above 0 such as 16MiB, 512KiB or 4000000 (bytes)' });
        return z.NEVER;
      }
      return bytes;
    }),
    /** HttpUser: keep no response body (k6's discardResponseBodies); a request's `discardBody: false` still keeps its own. */
    discardResponseBodies: z.boolean(),
    model: z.string().min(1),
    /** LLM provider, overriding the user classes' `provider` (docs/providers.md); checked against the registered names when the users start. */
    provider: z.string().min(1),
    /** Retries of an LLM request after a 429, 5xx, network error or timeout (docs/providers.md#retries); default 0. */
    retries: z.number().int().min(0).max(10),
    mock: mockOptions,
    // Runs on many machines (docs/distributed.md). Kept as given (validated here) and
    // parsed where used: parseSegment, parseStartAt, parseLiveUrl in src/distributed.
    segment: z.string().superRefine((v, ctx) => refineWith(ctx, () => parseSegment(v))),
    startAt: z.string().superRefine((v, ctx) => refineWith(ctx, () => parseStartAt(v))),
    live: z.string().superRefine((v, ctx) => refineWith(ctx, () => parseLiveUrl(v))),
    setupData: z.string().min(1),
    /** Wait for SIGUSR1 after setup before starting the load (start a fleet by hand). */
    paused: z.boolean(),
    // Experiments (docs/experiments.md): a folder per run under experimentDir, and what the server was.
    experimentDir: z.string().min(1),
    serverEngine: z.string().min(1),
    serverVersion: z.union([z.string().min(1), z.number().transform(String)]),
    serverGpuType: z.string().min(1),
    serverGpuCount: z.number().int().positive(),
    // Telemetry (docs/telemetry.md): the server's /metrics in, Volley's figures out.
    serverMetrics: z.union([z.array(httpUrl), httpUrl.transform((u) => [u])]),
    serverMetric: list,
    prometheusPort: z.number().int().min(0).max(65535),
    outRemoteWrite: httpUrl,
    runId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { message: "expected letters, digits, '.', '_' and '-' (128 at most), e.g. checkout-2026-12-06" }),
    remoteWriteInterval: durationMs.refine((ms) => ms >= 100 && belowTimerLimit(ms), { message: 'expected a duration of at least 100ms, e.g. 5s' }),
    // Trace replay (docs/llm.md#trace-replay): a JSONL trace's arrivals on the open model.
    trace: z.string().min(1),
    traceSpeed: z.number().positive().finite(),
    traceBlockSize: z.number().int().positive(),
    // Capacity search, rate sweeps, over-saturation (docs/capacity.md)
    ...capacityOptionKeys,
  })
  .partial()
  .strict();

export type ParsedOptions = z.output<typeof optionsSchema>;
