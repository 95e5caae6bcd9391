import { describe, expect, it } from 'vitest';
import {
  anthropicToolChoice,
  anthropicToolMessages,
  anthropicTools,
  cohereToolChoice,
  openaiToolChoice,
  openaiTools,
  readToolChoice,
  readTools,
  responsesTools,
} from '../../../../src/clients/llm/tools.js';
import { UserError } from '../../../../src/errors.js';

describe('tool options', () => {
  it('reads tools in chat, Responses and Anthropic shapes', () => {
    const schema = { type: 'object', properties: {} };
    const tools = readTools([{ type: 'function', function: { name: 'a', parameters: schema, strict: true } }, { type: 'function', name: 'b' }, { name: 'c', input_schema: schema }], 'U')!;
    expect(tools).toMatchObject([
      { name: 'a', parameters: schema },
      { name: 'b' },
      { name: 'c', parameters: schema },
    ]);
    // Each provider's own shape goes out as written (strict kept); the others are converted.
    expect(openaiTools(tools)).toEqual([
      { type: 'function', function: { name: 'a', parameters: schema, strict: true } },
      { type: 'function', function: { name: 'b', parameters: { type: 'object', properties: {} } } },
      { type: 'function', function: { name: 'c', parameters: schema } },
    ]);
    expect(anthropicTools(tools)).toEqual([
      { name: 'a', input_schema: schema },
      { name: 'b', input_schema: { type: 'object', properties: {} } },
      { name: 'c', input_schema: schema },
    ]);
    expect(responsesTools(tools)[1]).toEqual({ type: 'function', name: 'b' });
    // A built-in tool of another type passes through untouched.
    expect(responsesTools(readTools([{ type: 'web_search' }], 'U')!)).toEqual([{ type: 'web_search' }]);
    expect(() => readTools([{ type: 'function' }], 'U')).toThrow(UserError);
    expect(() => readTools({}, 'U')).toThrow(/tools: expected an array/);
  });

  it('maps the tool choice per provider', () => {
    const named = readToolChoice({ type: 'function', function: { name: 'f' } }, 'U')!;
    expect(readToolChoice('f', 'U')).toEqual(named);
    expect(openaiToolChoice(named)).toEqual({ type: 'function', function: { name: 'f' } });
    expect(anthropicToolChoice(named)).toEqual({ type: 'tool', name: 'f' });
    expect(anthropicToolChoice(readToolChoice('required', 'U')!)).toEqual({ type: 'any' });
    expect(cohereToolChoice(readToolChoice('none', 'U')!)).toBe('NONE');
    expect(cohereToolChoice(readToolChoice('auto', 'U')!)).toBeUndefined();
    expect(() => readToolChoice(3, 'U')).toThrow(/toolChoice: expected/);
  });

  it("turns OpenAI-shaped tool turns into Anthropic's blocks, one user message per turn of results", () => {
    const out = anthropicToolMessages([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }, { id: 't2', type: 'function', function: { name: 'g', arguments: '' } }] },
      { role: 'tool', tool_call_id: 't1', content: 'one' },
      { role: 'tool', tool_call_id: 't2', content: 'two' },
    ]);
    expect(out).toEqual([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: { x: 1 } }, { type: 'tool_use', id: 't2', name: 'g', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'one' }, { type: 'tool_result', tool_use_id: 't2', content: 'two' }] },
    ]);
  });
});
