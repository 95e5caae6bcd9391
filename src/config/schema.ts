import { z } from 'zod';
import { parseDurationMs } from '../util/duration.js';
import { parseSizeBytes } from './size.js';
import { thresholdsSchema } from '../thresholds/schema.js';
import { parseSegment } from './segment.js';
import { parseStartAt } from './start-at.js';
import { parseLiveUrl } from './live-url.js';
import { loadModelOptionKeys } from './load-models.js';
import { capacityOptionKeys } from './capacity.js';
import { MAX_TIMER_MS } from '../util/long-timeout.js';

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
    maxRequestsPerStage: z.number().int().positive(),
    maxTimePerStage: durationMs,
    warmup: durationMs,
    dataset: z.string().min(1),
    tokenizer: z.enum(['cl100k_base', 'o200k_base']),
    prefixLen: z.number().int().min(0),
    slo: z.string().min(1),
    maxErrorRate: z.number().min(0).max(1),
    /** Distinct request, check, trend and counter names kept per run; more fold into '(other names)' rows (docs/scenarios.md). */
    maxNames: z.number().int().positive(),
    requestsLog: z.string().min(1),
    /** How LLM requests to plain-HTTP servers travel: raw sockets (default) or undici (docs/llm.md). */
    llmTransport: z.enum(['socket', 'undici']),
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
    mock: mockOptions,
    // Runs on many machines (docs/distributed.md). Kept as given (validated here) and
    // parsed where used: parseSegment, parseStartAt, parseLiveUrl in src/distributed.
    segment: z.string().superRefine((v, ctx) => refineWith(ctx, () => parseSegment(v))),
    startAt: z.string().superRefine((v, ctx) => refineWith(ctx, () => parseStartAt(v))),
    live: z.string().superRefine((v, ctx) => refineWith(ctx, () => parseLiveUrl(v))),
    setupData: z.string().min(1),
    /** Wait for SIGUSR1 after setup before starting the load (start a fleet by hand). */
    paused: z.boolean(),
    // Capacity search, rate sweeps, over-saturation (docs/capacity.md)
    ...capacityOptionKeys,
  })
  .partial()
  .strict();

export type ParsedOptions = z.output<typeof optionsSchema>;
