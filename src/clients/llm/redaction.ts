/**
 * What must never reach a file or the terminal: the API key, and the values
 * of the auth-looking headers a request carries (a scenario's own
 * `authorization` or `x-api-key`). A server that echoes any of them (in an
 * error message, in `x-request-id`) gets `***` in its place.
 */

/** Header names whose values are credentials. */
const AUTH_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|x-goog-api-key|.*(token|secret|password|api[-_]?key).*)$/i;

/** The secret values of a set of request headers: each whole value and, for `Bearer x`, its credential part. */
export function headerSecrets(headers: Record<string, string> | undefined): string[] {
  const out: string[] = [];
  if (!headers) return out;
  for (const name in headers) {
    if (!AUTH_HEADER.test(name)) continue;
    const value = String(headers[name] ?? '').trim();
    if (value === '') continue;
    out.push(value);
    const space = value.indexOf(' ');
    if (space > 0) out.push(value.slice(space + 1).trim());
  }
  return out;
}
