/** One /metrics URL: fetched with its credentials in a header, shown without them. */
export interface ScrapeTarget {
  /** The URL as messages, reports and summary.json show it: no user, no password. */
  shown: string;
  fetchText(timeoutMs: number): Promise<string>;
}

/** The URL without user and password (for every place it is shown). */
export function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

/**
 * fetch() refuses URLs with credentials: they travel as HTTP Basic auth instead.
 * The URL is validated by the options' schema before it gets here.
 */
export function scrapeTarget(url: string): ScrapeTarget {
  const u = new URL(url);
  const auth = u.username ? `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}` : undefined;
  u.username = '';
  u.password = '';
  const plain = u.toString();
  return {
    shown: plain,
    async fetchText(timeoutMs) {
      const res = await fetch(plain, { headers: { accept: 'text/plain;version=0.0.4', ...(auth && { authorization: auth }) }, signal: AbortSignal.timeout(timeoutMs) });
      const body = await res.text();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      if (/html/i.test(res.headers.get('content-type') ?? '')) throw new Error('the answer is an HTML page, not Prometheus metrics');
      return body;
    },
  };
}

/** summary.json's options keep the telemetry URLs without their credentials. */
export function telemetryOptionsShown(options: Record<string, unknown>): void {
  if (Array.isArray(options.serverMetrics)) options.serverMetrics = options.serverMetrics.map((u) => withoutCredentials(String(u)));
  if (typeof options.outRemoteWrite === 'string') options.outRemoteWrite = withoutCredentials(options.outRemoteWrite);
}
