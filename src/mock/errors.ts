import { STATUS_CODES, type ServerResponse } from 'node:http';

/** Which vendor's error shape an endpoint answers with. */
export type ErrorShape = 'openai' | 'anthropic' | 'cohere';

// [OpenAI type, OpenAI code, Anthropic type] per status, as each vendor names them.
const KINDS: Record<number, [string, string, string]> = {
  400: ['invalid_request_error', 'invalid_request_error', 'invalid_request_error'],
  401: ['authentication_error', 'invalid_api_key', 'authentication_error'],
  403: ['permission_error', 'permission_denied', 'permission_error'],
  404: ['invalid_request_error', 'not_found', 'not_found_error'],
  405: ['invalid_request_error', 'method_not_allowed', 'invalid_request_error'],
  413: ['invalid_request_error', 'request_too_large', 'request_too_large'],
  429: ['rate_limit_error', 'rate_limit_exceeded', 'rate_limit_error'],
  500: ['server_error', 'internal_error', 'api_error'],
  503: ['server_error', 'service_unavailable', 'overloaded_error'],
  529: ['server_error', 'overloaded', 'overloaded_error'],
};

function kindOf(status: number): [string, string, string] {
  return KINDS[status] ?? (status < 500 ? KINDS[400]! : KINDS[500]!);
}

/** The default message for an injected error. */
export function injectedErrorMessage(status: number): string {
  return `mock: injected error ${status} (${STATUS_CODES[status] ?? 'error'})`;
}

/** The error object as `shape` sends it, in a response body or a stream event. */
export function errorBody(shape: ErrorShape, status: number, message: string, id?: string): unknown {
  const [openaiType, openaiCode, anthropicType] = kindOf(status);
  if (shape === 'anthropic') return { type: 'error', error: { type: anthropicType, message } };
  if (shape === 'cohere') return id ? { id, message } : { message };
  return { error: { message, type: openaiType, param: null, code: openaiCode } };
}

/** Answers with an error in `shape`, with the headers real servers add. */
export function sendError(res: ServerResponse, shape: ErrorShape, status: number, message: string, id?: string): void {
  const body = JSON.stringify(errorBody(shape, status, message, id));
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  };
  if (id) headers['x-mock-request-id'] = id;
  if (status === 429 || status === 503 || status === 529) headers['retry-after'] = '1';
  res.writeHead(status, headers).end(body);
}
