import type { ServerFigures } from '../metrics/server-figures.js';

/**
 * The server's latest figures in a few words, for the headless progress line:
 * `  server run 12 wait 3 kv 41% gen 1280 tok/s`; '' without --server-metrics.
 */
export function serverBrief(server: ServerFigures | undefined): string {
  const now = server?.current;
  if (!now) return '';
  const parts: string[] = [];
  const n = (k: string, label: string) => now[k] !== undefined && parts.push(`${label} ${Math.round(now[k]!)}`);
  n('requests_running', 'run');
  n('requests_waiting', 'wait');
  if (now.kv_cache_usage !== undefined) parts.push(`kv ${Math.round(now.kv_cache_usage * 100)}%`);
  if (now.generation_tokens_per_s !== undefined) parts.push(`gen ${Math.round(now.generation_tokens_per_s)} tok/s`);
  return parts.length ? `  server ${parts.join(' ')}` : '';
}
