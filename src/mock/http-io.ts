import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bigger bodies get a 413: a mock has no use for them and must not hold them. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** The raw request body, or undefined when it is over MAX_BODY_BYTES (the rest is drained). */
export function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let bytes = 0;
    req.on('data', (part: Buffer) => {
      bytes += part.length;
      if (bytes <= MAX_BODY_BYTES) parts.push(part);
    });
    req.once('end', () => resolve(bytes > MAX_BODY_BYTES ? undefined : parts.length === 1 ? parts[0]! : Buffer.concat(parts)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('client disconnected before the body was read'));
    });
  });
}

/** Parses a JSON body; returns a message for a 400 when it is not JSON. */
export function parseJson(body: Buffer): { value: unknown } | string {
  if (body.length === 0) return 'request body: expected JSON, got an empty body';
  try {
    return { value: JSON.parse(body.toString('utf8')) };
  } catch (err) {
    return `request body: invalid JSON (${(err as Error).message})`;
  }
}

/** Sends a JSON answer with its length, so keep-alive connections stay usable. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}
