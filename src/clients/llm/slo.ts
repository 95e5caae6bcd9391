import { UserError } from '../../errors.js';

/** One service-level objective on a per-request metric, e.g. `ttft<500ms`. */
export interface Slo {
  metric: SloMetric;
  op: '<' | '<=' | '>' | '>=';
  /** Milliseconds, or tokens per second for output_speed. */
  value: number;
}

export type SloMetric = 'ttft' | 'ttfct' | 'tpot' | 'itl' | 'e2e' | 'output_speed';
const METRICS: SloMetric[] = ['ttft', 'ttfct', 'tpot', 'itl', 'e2e', 'output_speed'];
const UNIT_MS: Record<string, number> = { '': 1, ms: 1, s: 1000, us: 0.001, µs: 0.001, m: 60_000 };

/** A request's values the SLOs are checked against; undefined when not measured. */
export interface SloValues {
  ttftMs: number | undefined;
  ttfctMs: number | undefined;
  tpotMs: number | undefined;
  /** Mean of the request's ITLs. */
  itlMs: number | undefined;
  e2eMs: number;
  outputSpeed: number | undefined;
}

const cache = new Map<string, Slo[]>();

/**
 * Parses --slo: 'ttft<500ms,tpot<50ms,e2e<10s' (a string, comma-separated, or a
 * list of them). Latency units: us, ms (default), s, m; output_speed in tok/s.
 * Throws one UserError listing every bad entry.
 */
export function parseSlos(spec: unknown): Slo[] {
  if (spec === undefined || spec === null || spec === '') return [];
  const text = Array.isArray(spec) ? spec.map(String).join(',') : String(spec);
  let slos = cache.get(text);
  if (slos) return slos;
  slos = [];
  const problems: string[] = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const m = /^([a-z][a-z0-9_]*)\s*(<=|>=|<|>)\s*(\d+(?:\.\d+)?)\s*([a-zµ/]*)$/i.exec(item);
    if (!m) {
      problems.push(`"${item}": expected <metric><op><value>, e.g. ttft<500ms`);
      continue;
    }
    const metric = m[1]!.toLowerCase() as SloMetric;
    const op = m[2] as Slo['op'];
    const unit = m[4]!.toLowerCase();
    if (!METRICS.includes(metric)) {
      problems.push(`"${item}": unknown metric "${m[1]}" (use ${METRICS.join(', ')})`);
      continue;
    }
    if (metric === 'output_speed') {
      if (unit !== '' && unit !== 'tok/s') problems.push(`"${item}": output_speed is in tok/s`);
      else slos.push({ metric, op, value: Number(m[3]) });
      continue;
    }
    const scale = UNIT_MS[unit];
    if (scale === undefined) problems.push(`"${item}": unknown unit "${m[4]}" (use us, ms, s or m)`);
    else slos.push({ metric, op, value: Number(m[3]) * scale });
  }
  if (problems.length) throw new UserError(`invalid --slo:\n${problems.map((p) => `  - ${p}`).join('\n')}`, "e.g. --slo 'ttft<500ms,tpot<50ms,e2e<10s'");
  cache.set(text, slos);
  return slos;
}

/** A request meets its SLOs when every SLO whose metric it has holds (TPOT is undefined for 1 token, TTFT without streaming). */
export function meetsSlos(slos: readonly Slo[], v: SloValues): boolean {
  for (const s of slos) {
    const x =
      s.metric === 'ttft'
        ? v.ttftMs
        : s.metric === 'ttfct'
          ? v.ttfctMs
          : s.metric === 'tpot'
            ? v.tpotMs
            : s.metric === 'itl'
              ? v.itlMs
              : s.metric === 'e2e'
                ? v.e2eMs
                : v.outputSpeed;
    if (x === undefined) continue;
    const ok = s.op === '<' ? x < s.value : s.op === '<=' ? x <= s.value : s.op === '>' ? x > s.value : x >= s.value;
    if (!ok) return false;
  }
  return true;
}
