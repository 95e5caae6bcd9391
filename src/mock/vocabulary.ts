/**
 * The mock's output text. Every word here, with its leading space, is exactly
 * one cl100k_base token, and cl100k's pre-tokenizer splits " word" runs at each
 * space, so a client that counts the streamed text with tiktoken gets exactly
 * the token count the server reports in usage. tests/unit/mock verifies both.
 */
export const ONE_TOKEN_WORDS: readonly string[] = (
  ' the of and to in is that for it as was with be by on not he this are or his from at which' +
  ' but have an they you were her she there one all we their been has when who will more no if' +
  ' out so said what up its about into than them can only other new some could time these two may' +
  ' then do first any my now such like our over man me even most made after also did many before' +
  ' must through back years where much your way well down should because each just those people how' +
  ' too little state good very make world still own see men work long get here between both life' +
  ' being under never day same another know while last might us great old year off come since' +
  ' against go came right used take three'
)
  .split(' ')
  .slice(1)
  .map((word) => ` ${word}`);

const WORD_COUNT = ONE_TOKEN_WORDS.length;
// The vocabulary written twice, with the offset where each word starts: any run
// of up to WORD_COUNT tokens is then one slice, not a join, on the hot path.
const DOUBLED_TEXT = ONE_TOKEN_WORDS.join('') + ONE_TOKEN_WORDS.join('');
const WORD_OFFSETS: number[] = [];
for (let i = 0, at = 0; i <= 2 * WORD_COUNT; i++) {
  WORD_OFFSETS.push(at);
  at += ONE_TOKEN_WORDS[i % WORD_COUNT]!.length;
}

/**
 * The text of output tokens [first, first + count) of an answer that starts at
 * word `startWord`. The words are plain ASCII letters and spaces, so the result
 * can be put inside a JSON string as is.
 */
export function tokenText(startWord: number, first: number, count: number): string {
  const from = (startWord + first) % WORD_COUNT;
  if (count <= WORD_COUNT) return DOUBLED_TEXT.slice(WORD_OFFSETS[from], WORD_OFFSETS[from + count]);
  let text = '';
  for (let i = 0; i < count; i++) text += ONE_TOKEN_WORDS[(from + i) % WORD_COUNT];
  return text;
}

/** Number of distinct words, for picking a start word. */
export const VOCABULARY_SIZE = WORD_COUNT;

/**
 * Structured output (a tool call's arguments, a JSON reply) that is still
 * exactly one cl100k_base token per output token: `{"`, `query`, `":"`, then
 * words, then `"}`, e.g. `{"query":" the of and"}` is 7 tokens. Needs at least
 * STRUCTURED_MIN_TOKENS tokens. `broken` replaces the closing `"}` with a word,
 * so the text does not parse (the mock's broken-JSON fault).
 */
const JSON_HEAD = ['{"', 'query', '":"'];
const JSON_TAIL = '"}';
export const STRUCTURED_MIN_TOKENS = 5;

/** Tokens [first, first + count) of a structured answer of `total` tokens (see above). */
export function structuredText(startWord: number, first: number, count: number, total: number, broken = false): string {
  let text = '';
  for (let i = first; i < first + count; i++) {
    if (i < JSON_HEAD.length) text += JSON_HEAD[i];
    else if (i === total - 1 && !broken) text += JSON_TAIL;
    else text += ONE_TOKEN_WORDS[(startWord + i - JSON_HEAD.length) % WORD_COUNT];
  }
  return text;
}

/**
 * The text of output tokens [first, first + count) of a planned answer:
 * reasoning and plain content are vocabulary words; structured content (a
 * tool call, a JSON reply) is structuredText over the content tokens.
 */
export function contentText(
  plan: { startWord: number; reasoningTokens: number; outputTokens: number; structured: 'tool' | 'json' | undefined; brokenJson: boolean },
  first: number,
  count: number,
): string {
  if (plan.structured === undefined || first < plan.reasoningTokens) return tokenText(plan.startWord, first, count);
  return structuredText(plan.startWord, first - plan.reasoningTokens, count, plan.outputTokens - plan.reasoningTokens, plan.structured === 'json' && plan.brokenJson);
}
