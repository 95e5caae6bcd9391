import { ConfigError, UserError } from '../errors.js';
import type { ThresholdSpec } from '../api/options.js';
import { GROUPS, METRICS, type MetricDef } from './catalog.js';
import { OPERATORS, STATS, type ComparisonOp, type Stat, type Threshold } from './threshold.js';
import { parseDelayMs, parseLimit, unitProblem } from './units.js';

/** A problem found in one expression; the message names the part that is wrong. */
class ExpressionProblem extends Error {}

const GROUP_LIST = 'http, endpoint["…"], llm, llm["…"], llm_class["…"], checks, check["…"], trend["…"], server or server_metric["…"]';
const STAT_LIST = `${STATS.slice(0, -1).join(', ')} or ${STATS[STATS.length - 1]}`;

/**
 * Parses one threshold expression such as `http.p95<300ms` or
 * `endpoint["POST /cart"].p99<1s abort`. Throws a UserError that quotes the
 * expression, names the bad part and says what was expected.
 */
export function parseThreshold(expr: string, source: string): Threshold {
  try {
    return parseExpression(expr, source);
  } catch (err) {
    if (err instanceof ExpressionProblem) throw new UserError(`${source} "${expr}": ${err.message}`, 'docs/thresholds.md lists every metric');
    throw err;
  }
}

/**
 * Parses every threshold of a list (strings or `{ threshold, abortOnFail, delayAbortEval }`)
 * and reports all problems at once.
 */
export function parseThresholds(list: readonly ThresholdSpec[], source: string): Threshold[] {
  const problems: string[] = [];
  const parsed: Threshold[] = [];
  for (const spec of list) {
    const r = thresholdFromSpec(spec, source);
    if (typeof r === 'string') problems.push(r);
    else parsed.push(r);
  }
  if (problems.length === 1) throw new UserError(problems[0]!, 'docs/thresholds.md lists every metric');
  if (problems.length > 1) throw new ConfigError('thresholds', problems);
  return parsed;
}

/** One spec of a list: the threshold, or a message naming the source and the expression. */
export function thresholdFromSpec(spec: ThresholdSpec, source: string): Threshold | string {
  const expr = typeof spec === 'string' ? spec : spec?.threshold;
  // Config files are JavaScript: the types above are a hope, not a guarantee.
  if (typeof expr !== 'string') return `${source}: expected an expression such as "http.p95<300ms" or { threshold: "…" }, got ${JSON.stringify(spec)}`;
  try {
    const t = parseExpression(expr, source);
    if (typeof spec === 'string') return t;
    if (spec.abortOnFail !== undefined) t.abortOnFail = spec.abortOnFail || t.abortOnFail;
    if (spec.delayAbortEval !== undefined) {
      const delay = parseDelayMs(spec.delayAbortEval);
      if (typeof delay === 'string') throw new ExpressionProblem(`delayAbortEval: ${delay}`);
      if (!t.abortOnFail) throw new ExpressionProblem('delayAbortEval has no effect without abortOnFail: true');
      t.delayAbortEvalMs = delay;
    }
    return t;
  } catch (err) {
    if (err instanceof ExpressionProblem) return `${source} "${expr}": ${err.message}`;
    throw err;
  }
}

function parseExpression(expr: string, source: string): Threshold {
  let text = expr.trim();
  let abortOnFail = false;
  const abort = /\s+abort$/.exec(text);
  if (abort) {
    abortOnFail = true;
    text = text.slice(0, abort.index);
  }
  const at = findOperator(text);
  const metricText = text.slice(0, at.index).trim();
  if (metricText === '') throw new ExpressionProblem(`expected a metric before "${at.op}", e.g. http.p95<300ms`);
  const { def, key, stat } = resolveMetric(metricText);
  const limit = parseLimit(text.slice(at.index + at.op.length).trim(), at.op);
  if (typeof limit === 'string') throw new ExpressionProblem(limit);
  const unitIssue = unitProblem(limit.unit, def.kind, metricText);
  if (unitIssue) throw new ExpressionProblem(unitIssue);
  return {
    expression: text,
    source,
    metric: def.pattern,
    ...(key !== undefined && { key }),
    ...(stat !== undefined && { stat }),
    kind: def.kind,
    op: at.op,
    limit: limit.limit,
    unit: limit.unit,
    abortOnFail,
    delayAbortEvalMs: 0,
  };
}

/** The first comparison operator outside a quoted name: names may contain `<`. */
function findOperator(text: string): { index: number; op: ComparisonOp } {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '<' || c === '>' || c === '=' || c === '!') {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (!op) throw new ExpressionProblem(`unknown operator "${/^[<>=!]+/.exec(text.slice(i))![0]}"; expected <, <=, >, >= or ==`);
      return { index: i, op };
    }
  }
  if (quote) throw new ExpressionProblem(`the name in brackets is not closed: a ${quote} is missing`);
  throw new ExpressionProblem('expected a comparison such as http.p95<300ms (operators: <, <=, >, >=, ==)');
}

interface MetricPath {
  segments: string[];
  key?: string;
}

/** Splits `endpoint["GET /x"].p95` into segments and the quoted name. */
function splitPath(text: string): MetricPath {
  const segments: string[] = [];
  let key: string | undefined;
  let i = 0;
  for (;;) {
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (!id) throw new ExpressionProblem(`expected a metric name at "${text.slice(i)}" in "${text}"`);
    segments.push(id[0]);
    i += id[0].length;
    if (text[i] === '(') throw new ExpressionProblem(`"${text.slice(i - id[0].length)}" is k6 syntax; write the statistic as one of ${STAT_LIST}, e.g. http.p95`);
    if (text[i] === '[') {
      if (segments.length > 1 || key !== undefined) throw new ExpressionProblem(`a name in brackets goes right after endpoint, llm, llm_class, check, trend or server_metric, not after "${segments.join('.')}"`);
      const read = readQuotedName(text, i + 1);
      key = read.name;
      i = read.end;
    }
    if (i === text.length) return key === undefined ? { segments } : { segments, key };
    if (text[i] !== '.') throw new ExpressionProblem(`unexpected "${text.slice(i)}" in "${text}"`);
    i++;
  }
}

function readQuotedName(text: string, start: number): { name: string; end: number } {
  const quote = text[start];
  if (quote !== '"' && quote !== "'") throw new ExpressionProblem(`expected a quoted name in brackets, e.g. endpoint["GET /cart"], got "${text.slice(start - 1)}"`);
  let name = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) name += text[++i];
    else if (c === quote) {
      if (text[i + 1] !== ']') throw new ExpressionProblem(`expected "]" after the name ${quote}${name}${quote}`);
      if (name === '') throw new ExpressionProblem('the name in brackets is empty');
      return { name, end: i + 2 };
    } else name += c;
  }
  throw new ExpressionProblem(`the name in brackets is not closed: ${text.slice(start - 1)}`);
}

function resolveMetric(text: string): { def: MetricDef; key?: string; stat?: Stat } {
  const { segments, key } = splitPath(text);
  const group = segments[0]!;
  const info = GROUPS.get(group);
  if (!info) throw new ExpressionProblem(`unknown metric "${group}"; expected ${GROUP_LIST}`);
  if (info.keyed && key === undefined) throw new ExpressionProblem(`${group} needs a name in brackets, e.g. ${group}["${group === 'endpoint' ? 'GET /cart' : group === 'llm_class' ? 'Chatter' : 'name'}"]`);
  if (!info.keyed && !info.keyOptional && key !== undefined) throw new ExpressionProblem(`${group} takes no name in brackets${group === 'http' ? '; for one endpoint write endpoint["GET /cart"]' : group === 'checks' ? '; for one check write check["name"]' : ''}`);
  const prefix = key !== undefined ? `${group}[]` : group;
  const rest = segments.slice(1);
  const candidates = [...METRICS.values()].filter((d) => d.pattern.startsWith(prefix + '.'));
  for (const def of candidates) {
    const stat = matchPattern(def.pattern.slice(prefix.length + 1).split('.'), rest);
    if (stat !== false) return { def, ...(key !== undefined && { key }), ...(stat !== undefined && { stat }) };
  }
  // A known series with an unknown statistic deserves the list of statistics.
  const statPos = candidates.some((d) => matchPattern(d.pattern.slice(prefix.length + 1).split('.'), [...rest.slice(0, -1), 'p50']) !== false);
  if (statPos && rest.length > 0) throw new ExpressionProblem(`unknown statistic "${rest[rest.length - 1]}" in "${text}"; expected ${STAT_LIST}`);
  const shown = candidates.map((d) => d.pattern.replace('[]', key !== undefined ? `[${JSON.stringify(key)}]` : '[]'));
  throw new ExpressionProblem(`unknown metric "${text}"; expected one of ${shown.join(', ')}`);
}

/** false when the segments do not fit; otherwise the statistic the pattern took, if any. */
function matchPattern(pattern: string[], segments: string[]): Stat | undefined | false {
  if (pattern.length !== segments.length) return false;
  let stat: Stat | undefined;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '<stat>' && (STATS as readonly string[]).includes(segments[i]!)) stat = segments[i] as Stat;
    else if (pattern[i] !== segments[i]) return false;
  }
  return stat;
}
