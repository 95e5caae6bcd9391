import type { ServerFigures } from '../../../metrics/server-figures.js';
import { fmtPercent } from '../text.js';
import { formatFigure } from '../../format-number.js';

type Part = [text: string, style?: string, short?: string];

/**
 * The header's line of the server's own figures (--server-metrics), latest
 * second: `server  running 12  waiting 3  KV 41%  prefix hits 75%  gen 1,280 tok/s`.
 * Undefined before the first scrape.
 */
export function serverLineParts(server: ServerFigures | undefined): Part[] | undefined {
  const now = server?.current;
  if (!server || !now) return undefined;
  const parts: Part[] = [['server', 'magenta-fg']];
  const add = (label: string, short: string, v: string | undefined) => v !== undefined && parts.push([`  ${label} `, undefined, ` ${short}`], [v, 'bold']);
  const num = (k: string) => (now[k] === undefined ? undefined : formatFigure(now[k]!));
  const pct = (k: string) => (now[k] === undefined ? undefined : fmtPercent(now[k]!));
  add('running', 'run', num('requests_running'));
  add('waiting', 'wait', num('requests_waiting'));
  add('KV cache', 'KV', pct('kv_cache_usage'));
  add('prefix hits', 'hits', pct('prefix_cache_hit_rate'));
  add('preempted', 'pre', num('preemptions'));
  const gen = num('generation_tokens_per_s');
  if (gen !== undefined) parts.push(['  gen ', undefined, ' gen '], [gen, 'bold'], [' tok/s']);
  if (server.failures > 0) parts.push([`  ${server.failures} scrapes failed`, 'red-fg', ` ${server.failures} failed`]);
  if (parts.length === 1) parts.push(['  no known series yet']);
  return parts;
}
