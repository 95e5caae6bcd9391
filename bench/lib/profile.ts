import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formatTable } from './table.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

/**
 * Self time per function in each .cpuprofile of a folder (one per thread with
 * --cpu-prof), busiest thread first: enough to see where a worker's time goes
 * without opening DevTools.
 */
export function summarizeProfiles(dir: string, root: string, top = 25): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const out: string[] = [];
  const parsed = files.map((f) => ({ f, p: JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile }));
  const busy = (p: CpuProfile) => p.nodes.reduce((a, n) => a + (n.callFrame.functionName === '(idle)' ? 0 : (n.hitCount ?? 0)), 0);
  parsed.sort((a, b) => busy(b.p) - busy(a.p));
  for (const { f, p } of parsed) {
    const total = p.nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0);
    if (total === 0) continue;
    const self = new Map<string, number>();
    for (const n of p.nodes) {
      if (!n.hitCount) continue;
      const url = n.callFrame.url.replace(/^file:\/\//, '');
      const where = url ? `${url.startsWith(root) ? relative(root, url) : url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}` : '';
      const key = `${n.callFrame.functionName || '(anonymous)'} ${where}`.trim();
      self.set(key, (self.get(key) ?? 0) + n.hitCount);
    }
    const rows = [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, n]) => [k, '', `${((100 * n) / total).toFixed(1)}%`]);
    out.push(`${f}: ${total} samples, ${(((p.endTime - p.startTime) / 1e6)).toFixed(1)} s, ${((100 * busy(p)) / total).toFixed(0)}% busy`);
    out.push(formatTable(['function (self time)', '', 'share'], rows), '');
  }
  return out.join('\n');
}
