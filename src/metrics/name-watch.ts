import type { MetricsAggregate } from './aggregate.js';
import { isFoldedName, OTHER_NAMES } from './name-cap.js';
import { suggestPattern } from './name-patterns.js';

/** Why the run's request names look wrong, and the fix (summary.json `names.warning`). */
export interface NamesWarning {
  message: string;
  /** The first few names that look like ids in URLs, `METHOD name`. */
  examples: string[];
  /** Suggested names for the `name` option, most frequent first (`/items/[id]`). */
  patterns: string[];
}

/** The run's request names: how many, the cap, and what the engine holds for them (summary.json `names`). */
export interface NamesSummary {
  /** Distinct request names with a row of their own (at most maxNames). */
  distinct: number;
  /** The cap (--max-names). */
  maxNames: number;
  /** Requests counted under '(other names)' rows, past the cap. */
  foldedRequests: number;
  /** Full (95 KB) HDR histograms the run's totals hold; other names' are sparse (a few hundred bytes). */
  fullHistograms: number;
  /** The most full HDR histograms one worker's recorder held at once. */
  workerFullHistogramsPeak: number;
  warning?: NamesWarning;
}

/** Names that reduce to one pattern with an id in it before the warning comes. */
export const SAME_PATTERN_NAMES = 10;
/** New names within one interval that make the warning come even without a pattern. */
export const NEW_NAMES_PER_INTERVAL = 200;
const EXAMPLES = 3;

/**
 * Watches the names of the run's totals every interval and warns as soon as
 * they grow like ids in URLs: SAME_PATTERN_NAMES names with one pattern
 * (`/items/[id]`), NEW_NAMES_PER_INTERVAL new names in one interval, or the
 * cap reached. Once given, the warning stays (its figures are updated).
 */
export class NameWatch {
  /** Endpoints of the aggregate already looked at (aggregates keep first-seen order). */
  private seen = 0;
  private readonly groups = new Map<string, { count: number; examples: string[] }>();
  private readonly plain: string[] = [];
  private triggered = false;
  private updates = 0;

  /** Looks at the names the aggregate got since the last call. */
  update(agg: MetricsAggregate): NamesSummary {
    let i = 0;
    let fresh = 0;
    let foldedRequests = 0;
    for (const e of agg.endpoints.values()) {
      if (isFoldedName(e.name)) {
        foldedRequests += e.requests + e.aborted;
        continue;
      }
      if (i++ < this.seen) continue;
      fresh++;
      const pattern = suggestPattern(e.name);
      const label = `${e.method} ${e.name}`;
      if (pattern === e.name) {
        if (this.plain.length < EXAMPLES) this.plain.push(label);
        continue;
      }
      let g = this.groups.get(pattern);
      if (!g) this.groups.set(pattern, (g = { count: 0, examples: [] }));
      g.count++;
      if (g.examples.length < EXAMPLES) g.examples.push(label);
    }
    this.seen = i;
    const distinct = agg.distinctNames;
    const top = [...this.groups].sort((a, b) => b[1].count - a[1].count);
    if ((top[0]?.[1].count ?? 0) >= SAME_PATTERN_NAMES || (this.updates++ > 0 && fresh >= NEW_NAMES_PER_INTERVAL) || distinct >= agg.maxNames) this.triggered = true;
    const summary: NamesSummary = { distinct, maxNames: agg.maxNames, foldedRequests, fullHistograms: agg.fullHistograms(), workerFullHistogramsPeak: agg.workerFullHistogramsPeak };
    if (this.triggered) summary.warning = warningOf(distinct, agg.maxNames, foldedRequests, top, this.plain);
    return summary;
  }
}

function warningOf(distinct: number, maxNames: number, folded: number, top: Array<[string, { count: number; examples: string[] }]>, plain: string[]): NamesWarning {
  const idGroups = top.filter(([, g]) => g.count >= 2).slice(0, 3);
  const examples = idGroups.length ? idGroups.flatMap(([, g]) => g.examples).slice(0, EXAMPLES) : plain.slice(0, EXAMPLES);
  const patterns = idGroups.map(([p]) => p);
  const capped = folded > 0 || distinct >= maxNames ? `; past --max-names ${maxNames}, ${folded} requests count under "${OTHER_NAMES}"` : '';
  const like = patterns.length ? `, most like ${patterns.map((p) => `${p} (${top.find(([q]) => q === p)![1].count})`).join(', ')}` : '';
  const example = patterns[0] ?? '/items/[id]';
  return {
    message:
      `${distinct} distinct request names${capped}: URLs with ids in them? e.g. ${examples.join(', ')}${like}. ` +
      `Give such requests one name with the name option: this.client.get(url, { name: '${example}' })`,
    examples,
    patterns,
  };
}
