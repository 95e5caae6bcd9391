import { UserError } from '../errors.js';
import { imageSizeProblem } from './images.js';

/**
 * GenAI Bench's traffic strings: the shape of each request's input and output in
 * tokens. `D(480,300)` is always 480 in / 300 out; the others draw per request.
 */
export type TrafficSpec =
  | { kind: 'deterministic'; text: string; inputTokens: number; outputTokens: number }
  | { kind: 'normal'; text: string; inputMean: number; inputSd: number; outputMean: number; outputSd: number }
  | { kind: 'uniform'; text: string; inputMin: number; inputMax: number; outputMin: number; outputMax: number }
  | { kind: 'embedding'; text: string; inputTokens: number }
  | { kind: 'image'; text: string; width: number; height: number; count: number }
  /** Rerank: each document `documentTokens` long, the query `queryTokens` long (GenAI Bench's R(doc,query)). */
  | { kind: 'rerank'; text: string; documentTokens: number; queryTokens: number }
  /** Text to speech: `chars` characters of input text per request (GenAI Bench's A(chars)). */
  | { kind: 'speech'; text: string; chars: number }
  | { kind: 'dataset'; text: string };

/** One request's shape. `outputTokens` is undefined when the traffic does not set it (E, I, dataset). */
export interface TrafficSample {
  inputTokens: number;
  outputTokens: number | undefined;
}

export const TRAFFIC_FORMS = [
  'D(in,out)',
  'N(mean_in,sd_in)/(mean_out,sd_out)',
  'U(min_in,max_in)/(min_out,max_out)',
  'U(max_in,max_out)',
  'E(tokens)',
  'I(width,height[,count])',
  'R(doc,query)',
  'A(chars)',
  'dataset',
];

/** Token counts above this are rejected: no model has such a context. */
const MAX_TOKENS = 10_000_000;
const MAX_TOKENS_TEXT = MAX_TOKENS.toLocaleString('en-US');

const NUM = String.raw`\s*(-?\d+(?:\.\d+)?)\s*`;
const PAIR = String.raw`\(${NUM},${NUM}\)`;
const FORMS: Array<[RegExp, (n: Array<number | undefined>) => Omit<TrafficSpec, 'text'> | string]> = [
  [new RegExp(String.raw`^D${PAIR}$`), ([i, o]) => ints({ in: i, out: o }) ?? { kind: 'deterministic', inputTokens: i!, outputTokens: o! }],
  [
    new RegExp(String.raw`^N${PAIR}/${PAIR}$`),
    ([mi, si, mo, so]) =>
      positive({ mean_in: mi, mean_out: mo }) ??
      nonNegative({ sd_in: si, sd_out: so }) ?? { kind: 'normal', inputMean: mi!, inputSd: si!, outputMean: mo!, outputSd: so! },
  ],
  [
    new RegExp(String.raw`^U${PAIR}/${PAIR}$`),
    ([a, b, c, d]) =>
      ints({ min_in: a, max_in: b, min_out: c, max_out: d }) ??
      ordered('min_in', a!, 'max_in', b!) ??
      ordered('min_out', c!, 'max_out', d!) ?? { kind: 'uniform', inputMin: a!, inputMax: b!, outputMin: c!, outputMax: d! },
  ],
  [new RegExp(String.raw`^U${PAIR}$`), ([b, d]) => ints({ max_in: b, max_out: d }) ?? { kind: 'uniform', inputMin: 1, inputMax: b!, outputMin: 1, outputMax: d! }],
  [new RegExp(String.raw`^E\(${NUM}\)$`), ([t]) => ints({ tokens: t }) ?? { kind: 'embedding', inputTokens: t! }],
  [
    new RegExp(String.raw`^I\(${NUM},${NUM}(?:,${NUM})?\)$`),
    ([w, h, c]) => {
      const count = c ?? 1;
      const badCount = ints({ count });
      const bad = [imageSizeProblem(w!, h!, badCount ? 1 : count), badCount].filter((p) => p !== undefined);
      return bad.length ? bad.join('; ') : { kind: 'image', width: w!, height: h!, count };
    },
  ],
  [new RegExp(String.raw`^R${PAIR}$`), ([d, q]) => ints({ doc: d, query: q }) ?? { kind: 'rerank', documentTokens: d!, queryTokens: q! }],
  [new RegExp(String.raw`^A\(${NUM}\)$`), ([c]) => ints({ chars: c }) ?? { kind: 'speech', chars: c! }],
  [/^dataset$/, () => ({ kind: 'dataset' })],
];

/**
 * Parses a traffic string, e.g. `N(480,240)/(300,150)`. Throws a UserError that
 * names the string and lists the accepted forms.
 */
export function parseTraffic(text: string): TrafficSpec {
  if (typeof text !== 'string') throw trafficError(String(text), 'a traffic string is required');
  const trimmed = text.trim();
  for (const [re, build] of FORMS) {
    const m = re.exec(trimmed);
    if (!m) continue;
    const out = build(m.slice(1).map((s) => (s === undefined ? undefined : Number(s))));
    if (typeof out === 'string') throw trafficError(text, out);
    return { ...out, text: trimmed } as TrafficSpec;
  }
  // Forms are matched case-sensitively; compare the first letter without case so `d(1,2)` points at D(in,out).
  const letter = trimmed[0]?.toUpperCase();
  const like = letter ? TRAFFIC_FORMS.filter((f) => f[0]!.toUpperCase() === letter) : [];
  const lowerCase = /^[dnueira]\(/.test(trimmed) ? ' (write the letter in upper case)' : '';
  const hint = like.length ? `it starts like ${like.join(' or ')} but does not match it${lowerCase}` : 'unknown form';
  throw trafficError(text, hint);
}

function trafficError(text: string, reason: string): UserError {
  return new UserError(
    `invalid traffic "${text}": ${reason}`,
    `expected one of ${TRAFFIC_FORMS.join(', ')} (token counts are whole numbers from 1 to ${MAX_TOKENS_TEXT}), e.g. 'N(480,240)/(300,150)'`,
  );
}

function ints(values: Record<string, number | undefined>, max = MAX_TOKENS): string | undefined {
  const bad: string[] = [];
  for (const [name, v] of Object.entries(values)) {
    if (v === undefined || !Number.isInteger(v) || v < 1 || v > max) bad.push(`${name} must be a whole number from 1 to ${max.toLocaleString('en-US')}, got ${v}`);
  }
  return bad.length ? bad.join('; ') : undefined;
}

function positive(values: Record<string, number | undefined>): string | undefined {
  const bad = Object.entries(values).filter(([, v]) => v === undefined || !(v >= 1) || v > MAX_TOKENS);
  return bad.length ? bad.map(([n, v]) => `${n} must be from 1 to ${MAX_TOKENS_TEXT}, got ${v}`).join('; ') : undefined;
}

function nonNegative(values: Record<string, number | undefined>): string | undefined {
  const bad = Object.entries(values).filter(([, v]) => v === undefined || !(v >= 0));
  return bad.length ? bad.map(([n, v]) => `${n} must be >= 0, got ${v}`).join('; ') : undefined;
}

function ordered(aName: string, a: number, bName: string, b: number): string | undefined {
  return a > b ? `${aName} (${a}) is greater than ${bName} (${b})` : undefined;
}

const parsedCache = new Map<string, TrafficSpec>();

/** parseTraffic with a per-worker cache: scenarios read `this.traffic` on every request. */
export function parseTrafficCached(text: string): TrafficSpec {
  let spec = parsedCache.get(text);
  if (spec === undefined) {
    spec = parseTraffic(text);
    parsedCache.set(text, spec);
  }
  return spec;
}

/** Draws one request's shape. Normal draws are truncated to >= 1 by redrawing, then rounded. */
export function sampleTraffic(spec: TrafficSpec, random: () => number): TrafficSample {
  switch (spec.kind) {
    case 'deterministic':
      return { inputTokens: spec.inputTokens, outputTokens: spec.outputTokens };
    case 'normal':
      return {
        inputTokens: truncatedNormal(spec.inputMean, spec.inputSd, random),
        outputTokens: truncatedNormal(spec.outputMean, spec.outputSd, random),
      };
    case 'uniform':
      return { inputTokens: uniformInt(spec.inputMin, spec.inputMax, random), outputTokens: uniformInt(spec.outputMin, spec.outputMax, random) };
    case 'embedding':
      return { inputTokens: spec.inputTokens, outputTokens: undefined };
    case 'rerank':
      return { inputTokens: spec.queryTokens, outputTokens: undefined };
    case 'speech':
    case 'image':
    case 'dataset':
      return { inputTokens: 0, outputTokens: undefined };
  }
}

export function uniformInt(min: number, max: number, random: () => number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Redraws below 0.5 (which would round to 0) a bounded number of times, then clamps to 1. */
export function truncatedNormal(mean: number, sd: number, random: () => number): number {
  if (sd === 0) return Math.max(1, Math.round(mean));
  for (let i = 0; i < 64; i++) {
    const v = mean + sd * standardNormal(random);
    if (v >= 0.5) return Math.round(v);
  }
  return 1;
}

/** Box–Muller on the seeded random, so draws are reproducible with --seed. */
function standardNormal(random: () => number): number {
  let u = random();
  while (u <= Number.EPSILON) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
