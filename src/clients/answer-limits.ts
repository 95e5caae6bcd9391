import { formatSize } from '../config/size.js';

/** Default `--max-body`: what one response may hold in memory. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The run's per-response body cap (options.maxBody, already parsed to bytes by the config schema). */
export function maxBodyOf(options: Record<string, unknown>): number {
  const v = options.maxBody;
  return typeof v === 'number' && v > 0 ? v : DEFAULT_MAX_BODY_BYTES;
}

/** The message of a request whose body went over the cap. */
export function bodyTooLargeMessage(maxBytes: number): string {
  return `body_too_large: the response body is over ${formatSize(maxBytes)} (--max-body)`;
}

/**
 * Errors that mean the server's bytes are not HTTP: undici's llhttp errors
 * (`HPE_*`), a body shorter or longer than its content-length, and the
 * socket transport's own parser (wire/response-parser.ts).
 */
export function isProtocolError(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown } | undefined;
  // undici 7 leaves llhttp's HTTPParserError without a code: its name tells it apart.
  if (e?.name === 'HTTPParserError') return true;
  const code = e?.code;
  if (typeof code !== 'string') return false;
  return code.startsWith('HPE_') || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' || code === 'VOLLEY_HTTP_PARSE';
}
