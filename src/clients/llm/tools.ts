import type { ChatMessage, ToolCall } from '../../api/llm.js';
import { UserError } from '../../errors.js';

/** A tool as the client keeps it, whatever shape the scenario wrote it in. */
export interface FunctionTool {
  name: string;
  description?: string;
  /** JSON schema of the arguments. */
  parameters?: unknown;
  /** The object as the scenario wrote it: sent unchanged where it is already in the provider's shape (keeps `strict`, `cache_control`…). */
  raw: Record<string, unknown>;
  /** Not a function tool (the Responses API's `web_search`, Anthropic's server tools): sent as written, never renamed. */
  builtin?: boolean;
}

/** What the model must do with the tools: OpenAI's `tool_choice`, normalized. */
export type ToolChoice = { mode: 'auto' | 'none' | 'required' } | { mode: 'named'; name: string };

/**
 * Reads `tools` as a scenario gives them: OpenAI chat's
 * `{ type: 'function', function: { name, parameters } }`, the Responses API's
 * flat `{ type: 'function', name, parameters }`, or Anthropic's
 * `{ name, input_schema }`; a tool of another `type` is passed through as is.
 * Throws a UserError naming the bad entry.
 */
export function readTools(tools: unknown, where: string): FunctionTool[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw new UserError(`${where}: tools: expected an array of function tools, got ${typeof tools}`);
  return tools.map((t, i) => {
    const entry = (t && typeof t === 'object' ? t : {}) as Record<string, unknown>;
    const fn = (entry.function && typeof entry.function === 'object' ? entry.function : entry) as Record<string, unknown>;
    if (typeof entry.type === 'string' && entry.type !== 'function' && entry.function === undefined) {
      return { name: typeof entry.name === 'string' ? entry.name : entry.type, raw: entry, builtin: true };
    }
    if (typeof fn.name !== 'string' || fn.name === '') {
      throw new UserError(`${where}: tools[${i}]: expected a function tool with a name`, "e.g. { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }");
    }
    const tool: FunctionTool = { name: fn.name, raw: entry };
    if (typeof fn.description === 'string') tool.description = fn.description;
    const parameters = fn.parameters ?? fn.input_schema;
    if (parameters !== undefined) tool.parameters = parameters;
    return tool;
  });
}

/** Reads `toolChoice` (or `tool_choice`): 'auto' | 'none' | 'required', a tool's name, or `{ type: 'function', function: { name } }`. */
export function readToolChoice(choice: unknown, where: string): ToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return { mode: choice };
  if (choice === 'any') return { mode: 'required' };
  if (typeof choice === 'string' && choice !== '') return { mode: 'named', name: choice };
  if (typeof choice === 'object') {
    const c = choice as Record<string, unknown>;
    const fn = (c.function && typeof c.function === 'object' ? c.function : c) as Record<string, unknown>;
    if (typeof fn.name === 'string' && fn.name !== '') return { mode: 'named', name: fn.name };
  }
  throw new UserError(
    `${where}: toolChoice: expected 'auto', 'none', 'required', a tool name or { type: 'function', function: { name } }, got ${JSON.stringify(choice)}`,
  );
}

const EMPTY_SCHEMA = { type: 'object', properties: {} };

/** OpenAI chat (and Cohere v2, which copies it): nested function tools. */
export function openaiTools(tools: FunctionTool[]): unknown[] {
  return tools.map((t) => (t.builtin || t.raw.function !== undefined ? t.raw : { type: 'function', function: { name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.parameters ?? EMPTY_SCHEMA } }));
}

export function openaiToolChoice(choice: ToolChoice): unknown {
  return choice.mode === 'named' ? { type: 'function', function: { name: choice.name } } : choice.mode;
}

/** The Responses API: flat function tools. */
export function responsesTools(tools: FunctionTool[]): unknown[] {
  return tools.map((t) => (t.builtin || (t.raw.type === 'function' && t.raw.function === undefined) ? t.raw : { type: 'function', name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.parameters ?? EMPTY_SCHEMA }));
}

export function responsesToolChoice(choice: ToolChoice): unknown {
  return choice.mode === 'named' ? { type: 'function', name: choice.name } : choice.mode;
}

export function anthropicTools(tools: FunctionTool[]): unknown[] {
  return tools.map((t) => (t.builtin || t.raw.input_schema !== undefined ? t.raw : { name: t.name, ...(t.description ? { description: t.description } : {}), input_schema: t.parameters ?? EMPTY_SCHEMA }));
}

export function anthropicToolChoice(choice: ToolChoice): unknown {
  if (choice.mode === 'named') return { type: 'tool', name: choice.name };
  return { type: choice.mode === 'required' ? 'any' : choice.mode };
}

/** Cohere v2 has no named choice: a named tool is REQUIRED (with only that tool offered, it is the one called). */
export function cohereToolChoice(choice: ToolChoice): string | undefined {
  if (choice.mode === 'auto') return undefined;
  return choice.mode === 'none' ? 'NONE' : 'REQUIRED';
}

/** The parsed arguments of a tool call, or undefined when they are not JSON. */
export function parseArguments(args: string): unknown {
  if (args === '') return {};
  try {
    return JSON.parse(args);
  } catch {
    return undefined;
  }
}

/**
 * The assistant message that carries `calls`, in OpenAI's chat shape: what a
 * scenario appends before its `role: 'tool'` answers.
 */
export function assistantMessage(text: string, calls: ToolCall[]): ChatMessage {
  if (calls.length === 0) return { role: 'assistant', content: text };
  return {
    role: 'assistant',
    content: text === '' ? null : text,
    tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
  };
}

/**
 * OpenAI-shaped tool traffic to Anthropic's: an assistant message's
 * `tool_calls` become `tool_use` blocks, and `role: 'tool'` messages become
 * `tool_result` blocks of one user message (Anthropic wants the results of one
 * turn together).
 */
export function anthropicToolMessages(messages: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const raw of messages) {
    const m = raw as Record<string, unknown>;
    if (m.role === 'tool') {
      const block = { type: 'tool_result', tool_use_id: m.tool_call_id, content: typeof m.content === 'string' ? m.content : (m.content ?? '') };
      const last = out[out.length - 1] as { role?: string; content?: unknown } | undefined;
      if (last && last.role === 'user' && Array.isArray(last.content) && (last.content as Array<{ type?: string }>).every((b) => b.type === 'tool_result')) {
        (last.content as unknown[]).push(block);
      } else out.push({ role: 'user', content: [block] });
      continue;
    }
    const calls = m.tool_calls;
    if (m.role === 'assistant' && Array.isArray(calls) && calls.length > 0) {
      const blocks: unknown[] = [];
      if (typeof m.content === 'string' && m.content !== '') blocks.push({ type: 'text', text: m.content });
      else if (Array.isArray(m.content)) blocks.push(...m.content);
      for (const c of calls as Array<{ id?: string; function?: { name?: string; arguments?: string } }>) {
        blocks.push({ type: 'tool_use', id: c.id, name: c.function?.name, input: parseArguments(c.function?.arguments ?? '') ?? {} });
      }
      out.push({ role: 'assistant', content: blocks });
      continue;
    }
    out.push(m);
  }
  return out;
}
