import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/**
 * The samples of one scrape: each sample name with its value per label set.
 * A histogram's or summary's `_sum` and `_count` are samples of their own, as
 * Prometheus stores them.
 */
export type Exposition = Map<string, number[]>;

interface Family {
  name: string;
  type: string;
  metrics: Array<{ value?: string; count?: string; sum?: string }>;
}

/**
 * (parse-prometheus-text-format keeps a histogram's `_sum` and `_count` only
 * when they carry no labels but `le`; no known series needs a labelled one.)
 *
 * Parses Prometheus text exposition (format 0.0.4, which vLLM, SGLang, TGI and
 * llama.cpp serve) with parse-prometheus-text-format. Throws on text that is
 * not exposition.
 */
export function parseExposition(text: string): Exposition {
  const families = parsePrometheusTextFormat(text) as Family[];
  const out: Exposition = new Map();
  const add = (name: string, raw: string | undefined): void => {
    const v = Number(raw);
    if (raw === undefined || !Number.isFinite(v)) return;
    const list = out.get(name);
    if (list) list.push(v);
    else out.set(name, [v]);
  };
  for (const f of families) {
    for (const m of f.metrics) {
      if (f.type === 'HISTOGRAM' || f.type === 'SUMMARY') {
        add(`${f.name}_sum`, m.sum);
        add(`${f.name}_count`, m.count);
      } else add(f.name, m.value);
    }
  }
  return out;
}

/** A sample's values summed over its label sets (several models or engines); undefined when absent. */
export function sumOf(e: Exposition, name: string): number | undefined {
  const v = e.get(name);
  return v?.length ? v.reduce((a, b) => a + b, 0) : undefined;
}

/** A ratio's values averaged over its label sets. */
export function meanOf(e: Exposition, name: string): number | undefined {
  const v = e.get(name);
  return v?.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
}
