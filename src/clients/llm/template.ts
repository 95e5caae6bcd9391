/** Buffer's own UTF-8 slice, public on every Buffer but missing from @types/node (undici uses it too). */
type NodeBuffer = Buffer & { utf8Slice(start: number, end: number): string };

/** Learning is tried this many times per stream at most (a stream whose events all differ gives up). */
const MAX_LEARN_TRIES = 4;
/** Texts a template is learned from: every JSON encoder writes them as they are, unescaped. */
const PLAIN_TEXT = /^[A-Za-z0-9 .,;:!?'()-]+$/;
/** Probe texts that must come back from the adapter's parse exactly, in place of the learned one. */
const PROBES = ['Zq9', 'a b'];

/**
 * Hot path: the token events of one stream are the same bytes but for the
 * token's text (`{"id":"x",…,"delta":{"content":"<text>"},…}`). After the
 * provider's parser read one such event as content and nothing else, its
 * bytes before and after the text's string literal become the stream's
 * template; an event that is those bytes around a text without quote,
 * backslash or control character is then read with two byte comparisons and
 * one small UTF-8 slice: no string of the whole event, no parse, nothing
 * allocated but the text. Anything else (the finish and usage events, an
 * error, a field that changes per event) falls back to the parser.
 *
 * Why it is exact: JSON tokenizes the bytes before the literal the same way
 * whatever the text is, a literal without `"`, `\` or control characters is
 * its bytes decoded, and the template is only kept after the parser, given
 * the template around probe texts, returns each probe as the content and
 * nothing else (so the literal is the content's value, not a key or another
 * field).
 */
export class ContentTemplate {
  private head: Buffer | undefined;
  private tail: Buffer | undefined;
  private tries = 0;

  /** The text of the event payload bytes[start, end) if it has the learned shape, else undefined. */
  match(bytes: Buffer, start: number, end: number): string | undefined {
    const head = this.head;
    if (head === undefined) return undefined;
    const tail = this.tail!;
    const from = start + head.length;
    const to = end - tail.length;
    if (to < from) return undefined;
    for (let i = from; i < to; i++) {
      const c = bytes[i]!;
      if (c === 0x22 || c === 0x5c || c < 0x20) return undefined;
    }
    if (head.compare(bytes, start, from) !== 0 || tail.compare(bytes, to, end) !== 0) return undefined;
    return from === to ? '' : (bytes as NodeBuffer).utf8Slice(from, to);
  }

  /** Whether learn() still tries: it gives up after a few tries per stream. */
  get wantsToLearn(): boolean {
    return this.tries < MAX_LEARN_TRIES;
  }

  /**
   * Learns from an event payload `data` that the parser read as exactly the
   * content `text`. `contentOf` runs the parser on a payload and returns its
   * content when that is all it found, else undefined.
   */
  learn(data: string, text: string, contentOf: (data: string) => string | undefined): void {
    if (this.tries >= MAX_LEARN_TRIES) return;
    this.tries++;
    this.head = this.tail = undefined;
    if (!PLAIN_TEXT.test(text)) return;
    const literal = `"${text}"`;
    const at = data.indexOf(literal);
    if (at < 0 || data.indexOf(literal, at + 1) >= 0) return;
    const head = data.slice(0, at + 1);
    const tail = data.slice(at + 1 + text.length);
    for (const probe of PROBES) if (contentOf(head + probe + tail) !== probe) return;
    this.head = Buffer.from(head, 'utf8');
    this.tail = Buffer.from(tail, 'utf8');
  }
}
