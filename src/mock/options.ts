import * as z from 'zod';
import { MOCK_AWS_CREDENTIALS, MOCK_GOOGLE_TOKEN } from './cloud-auth.js';

/** How the mock server behaves. Every field is optional; see docs/mock-server.md. */
export interface MockOptions {
  /** Port to listen on; 0 picks a free one. Default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Time to first token, ms. Default 200. */
  ttftMs?: number;
  /** Inter-token latency, ms. Default 20. */
  itlMs?: number;
  /** Each token time moves by a uniform, seeded offset in ±jitterMs. Default 0. */
  jitterMs?: number;
  /** Tokens written per stream chunk. Default 1. */
  tokensPerChunk?: number;
  /** Output length when the request gives no max_tokens. Default 128. */
  defaultOutputTokens?: number;
  /** Share of requests (0..1) answered with `errorStatus` instead. Default 0. */
  errorRate?: number;
  /** Default 500. */
  errorStatus?: number;
  /** Share of streams that send one chunk, then an error event inside the 200 stream. */
  streamErrorRate?: number;
  /** Share of streams cut half-way by destroying the socket. */
  breakRate?: number;
  /** Share of streams that pause for `stallMs` half-way. */
  stallRate?: number;
  /** Default 5000. */
  stallMs?: number;
  /** Share of JSON replies (asked with response_format) sent without their closing `"}`, so they do not parse. Default 0. */
  brokenJsonRate?: number;
  /** Send an empty role-only first chunk at once, as real servers do. Default true. */
  roleChunk?: boolean;
  /** Reasoning tokens sent before the content; they count in max_tokens. Default 0. */
  reasoningTokens?: number;
  /** Seeds jitter, injected faults and the text. Default 1. */
  seed?: number;
  /** Length of embedding vectors. Default 384. */
  embeddingDim?: number;
  /** Time before a non-streamed answer. Default: ttft + itl*(n-1) for text, 20 for embeddings and rerank. */
  latencyMs?: number;
  /** Time per image of an images/generations answer, ms. Default 500. */
  imageMs?: number;
  /** Requests served at once; more wait their turn (the wait counts in their TTFT). Default: no cap. */
  maxConcurrent?: number;
  /** Simulate a prefix cache: report cached input tokens (`cached_tokens`) of prompt blocks seen before. Default false. */
  prefixCache?: boolean;
  /** Tokens per cache block (vLLM's block size). Default 16. */
  prefixCacheBlockTokens?: number;
  /** Blocks the cache holds before it forgets the least recently used. Default 65536. */
  prefixCacheBlocks?: number;
  /**
   * Prefill time per input token that is not cached, added to the TTFT (and to a
   * non-streamed answer's latency). Default 0. Turns the prefix cache into shorter TTFTs.
   */
  prefillPerTokenMs?: number;
  /** Cloud dialects (docs/mock-server.md#cloud-dialects): the AWS credentials SigV4 requests must be signed with (default: the documented test pair). */
  awsAccessKeyId?: string;
  awsSecretAccessKey?: string;
  /** Region SigV4 requests must name; default: any. */
  awsRegion?: string;
  /** A Google bearer token that is always good; default 'volley-mock-google-token'. */
  googleToken?: string;
  /** Life of tokens issued by POST /token, ms. Default 3600000. */
  googleTokenTtlMs?: number;
  /** PEM public key that checks OCI request signatures; without it OCI requests get 401. */
  ociPublicKey?: string;
  /** Receives the mock's warnings (concurrent streams past its capacity); default: its stderr. */
  onWarning?: (message: string) => void;
}

const ms = z.number().finite().min(0);
const share = z.number().min(0).max(1);
const count = z.number().int().min(0);

/**
 * Defaults and ranges of the mock options, applied by startMockServer (so to
 * `bench mock` too). `bench mock` first checks its flags itself, for messages
 * that name the flag, and restates these ranges in src/cli/mock-command.ts:
 * change both together.
 */
export const mockOptionsSchema = z.object({
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  ttftMs: ms.default(200),
  itlMs: ms.default(20),
  jitterMs: ms.default(0),
  tokensPerChunk: count.min(1).default(1),
  defaultOutputTokens: count.min(1).default(128),
  errorRate: share.default(0),
  errorStatus: z.number().int().min(400).max(599).default(500),
  streamErrorRate: share.default(0),
  breakRate: share.default(0),
  stallRate: share.default(0),
  stallMs: ms.default(5000),
  brokenJsonRate: share.default(0),
  roleChunk: z.boolean().default(true),
  reasoningTokens: count.default(0),
  seed: z.number().int().default(1),
  embeddingDim: count.min(1).max(65536).default(384),
  latencyMs: ms.optional(),
  imageMs: ms.default(500),
  maxConcurrent: count.min(1).optional(),
  prefixCache: z.boolean().default(false),
  prefixCacheBlockTokens: count.min(1).max(4096).default(16),
  prefixCacheBlocks: count.min(1).default(65_536),
  prefillPerTokenMs: ms.default(0),
  awsAccessKeyId: z.string().min(1).default(MOCK_AWS_CREDENTIALS.accessKeyId),
  awsSecretAccessKey: z.string().min(1).default(MOCK_AWS_CREDENTIALS.secretAccessKey),
  awsRegion: z.string().min(1).optional(),
  googleToken: z.string().min(1).default(MOCK_GOOGLE_TOKEN),
  googleTokenTtlMs: ms.min(1).default(3_600_000),
  ociPublicKey: z.string().min(1).optional(),
});

/** Options after defaults. */
export type ResolvedMockOptions = z.output<typeof mockOptionsSchema>;

/** Applies defaults; throws a RangeError naming every bad option at once. */
export function resolveMockOptions(opts: MockOptions = {}): ResolvedMockOptions {
  const parsed = mockOptionsSchema.safeParse(opts);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`);
  throw new RangeError(`invalid mock server options: ${problems.join('; ')}`);
}
