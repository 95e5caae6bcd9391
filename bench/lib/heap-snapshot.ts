import { readFileSync } from 'node:fs';

/** Objects of one kind in a heap snapshot: V8's node type and constructor (or function) name. */
export interface KindRow {
  kind: string;
  /** Per unit (per user, when divided by the user count difference). */
  count: number;
  bytes: number;
}

interface SnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count of every kind of object in a .heapsnapshot file (as written by v8.writeHeapSnapshot). */
export function kindsOf(path: string): Map<string, { count: number; bytes: number }> {
  const s = JSON.parse(readFileSync(path, 'utf8')) as SnapshotJson;
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const width = fields.length;
  const type = fields.indexOf('type');
  const name = fields.indexOf('name');
  const size = fields.indexOf('self_size');
  const out = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < s.nodes.length; i += width) {
    const t = types[s.nodes[i + type]!]!;
    // Strings and numbers are named by their value: one kind each.
    const n = /string|number/.test(t) ? '' : s.strings[s.nodes[i + name]!]!.slice(0, 60);
    const k = n ? `${t} ${n}` : t;
    const e = out.get(k) ?? { count: 0, bytes: 0 };
    e.count++;
    e.bytes += s.nodes[i + size]!;
    out.set(k, e);
  }
  return out;
}

/** What `after` holds beyond `before`, divided by `units`, by kind, the largest first. */
export function heapBreakdown(before: string, after: string, units: number): KindRow[] {
  const a = kindsOf(before);
  const rows: KindRow[] = [];
  for (const [kind, e] of kindsOf(after)) {
    const o = a.get(kind) ?? { count: 0, bytes: 0 };
    rows.push({ kind, count: (e.count - o.count) / units, bytes: (e.bytes - o.bytes) / units });
  }
  return rows.sort((x, y) => y.bytes - x.bytes);
}
