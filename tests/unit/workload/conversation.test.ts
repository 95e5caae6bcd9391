import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConversations, splitTurns } from '../../../src/workload/conversation.js';
import { UserError } from '../../../src/errors.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/datasets/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'volley-convs-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('splitTurns', () => {
  it('cuts a chat into user turns with their replies, after a preamble', () => {
    const s = splitTurns([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
      { role: 'assistant', content: 'A' },
      { role: 'tool', content: 'ignored' },
      { role: 'user', content: 'c' },
    ]);
    expect(s.preamble).toEqual([{ role: 'system', content: 'be brief' }]);
    expect(s.turns).toEqual([{ content: 'a\nb', reply: 'A' }, { content: 'c' }]);
  });
});

describe('loadConversations', () => {
  it('reads ShareGPT .json with every turn, and skips conversations without a user turn', () => {
    const scripts = loadConversations(fixture('sharegpt.json'));
    expect(scripts).toHaveLength(2);
    expect(scripts[0]!.preamble).toEqual([{ role: 'system', content: 'You are helpful.' }]);
    expect(scripts[0]!.turns.map((t) => t.content)).toEqual(['Explain tides in two sentences.', 'And the sun?']);
    expect(scripts[0]!.turns[0]!.reply).toMatch(/^Tides are/);
  });

  it('reads OpenAI messages JSONL', () => {
    const scripts = loadConversations(fixture('conversations.jsonl'));
    expect(scripts.map((s) => s.turns.length)).toEqual([3, 3]);
  });

  it('names every bad line, and refuses files that hold no conversations', () => {
    const bad = write('bad.jsonl', '{"messages":[{"role":"user","content":"ok"}]}\nnot json\n{"prompt":"x"}\n');
    expect(() => loadConversations(bad)).toThrow(/line 2: not JSON[\s\S]*line 3: no "conversations" or "messages" array/);
    expect(() => loadConversations(fixture('unicode.txt'))).toThrow(UserError);
    expect(() => loadConversations(write('none.jsonl', '{"messages":[{"role":"assistant","content":"hi"}]}\n'))).toThrow(/no conversation with a user turn/);
  });
});
