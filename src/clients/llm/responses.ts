import { errorMessage, num, str, type ResponsesInput, type StreamDelta, type Usage } from './adapter.js';
import { responsesToolChoice, responsesTools } from './tools.js';

/**
 * OpenAI's Responses API (`POST /v1/responses`): input items instead of
 * messages, `max_output_tokens`, and a stream of typed events
 * (`response.output_text.delta`, reasoning deltas,
 * `response.function_call_arguments.delta`, `response.completed` with usage).
 */
export function responsesBody(input: ResponsesInput): Record<string, unknown> {
  const body: Record<string, unknown> = { model: input.model, input: input.input, stream: input.stream };
  if (input.instructions !== undefined) body.instructions = input.instructions;
  if (input.outputTokens !== undefined) body.max_output_tokens = input.outputTokens;
  if (input.tools?.length) body.tools = responsesTools(input.tools);
  if (input.toolChoice) body.tool_choice = responsesToolChoice(input.toolChoice);
  if (input.reasoning !== undefined) body.reasoning = input.reasoning;
  return body;
}

function object(v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object') throw new SyntaxError(`${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

/** The Responses usage: output tokens include reasoning, as in chat. */
function responsesUsage(u: unknown): Usage {
  const usage = u as Record<string, unknown>;
  const details = usage.output_tokens_details as Record<string, unknown> | undefined;
  return { inputTokens: num(usage.input_tokens), outputTokens: num(usage.output_tokens), reasoningTokens: details ? num(details.reasoning_tokens) : undefined };
}

/** Each streamed function call is told apart by its output_index. */
export function parseResponsesEvent(event: string | undefined, data: string, out: StreamDelta): void {
  if (data === '[DONE]') {
    out.done = true;
    return;
  }
  const j = object(JSON.parse(data), 'stream event');
  switch (event ?? str(j.type)) {
    case 'response.output_text.delta':
      out.content = str(j.delta) ?? '';
      return;
    case 'response.reasoning_summary_text.delta':
    case 'response.reasoning_text.delta':
    case 'response.reasoning.delta':
      out.reasoning = str(j.delta) ?? '';
      return;
    case 'response.output_item.added': {
      const item = (j.item ?? {}) as Record<string, unknown>;
      if (item.type === 'function_call') {
        out.toolCalls.push({ index: num(j.output_index) ?? 0, id: str(item.call_id) ?? str(item.id), name: str(item.name), arguments: str(item.arguments) ?? '' });
      }
      return;
    }
    case 'response.function_call_arguments.delta':
      out.toolCalls.push({ index: num(j.output_index) ?? 0, arguments: str(j.delta) ?? '' });
      return;
    case 'response.completed':
    case 'response.incomplete': {
      const response = (j.response ?? {}) as Record<string, unknown>;
      if (response.usage) out.usage = responsesUsage(response.usage);
      out.finishReason = finishReason(response);
      out.done = true;
      return;
    }
    case 'response.failed': {
      const response = (j.response ?? {}) as Record<string, unknown>;
      out.error = errorMessage(response.error ?? 'response failed');
      return;
    }
    case 'error':
      out.error = errorMessage(j.error ?? j);
      return;
  }
}

/** `completed`, or why the response is incomplete (`max_output_tokens`). */
function finishReason(response: Record<string, unknown>): string | undefined {
  const details = response.incomplete_details as Record<string, unknown> | undefined | null;
  return str(details?.reason) ?? str(response.status);
}

export function parseResponsesResponse(body: unknown, out: StreamDelta): void {
  const j = object(body, 'response');
  if (j.error) {
    out.error = errorMessage(j.error);
    return;
  }
  const text: string[] = [];
  const reasoning: string[] = [];
  const output = Array.isArray(j.output) ? (j.output as Array<Record<string, unknown>>) : [];
  for (const item of output) {
    if (item.type === 'message' && Array.isArray(item.content)) {
      for (const part of item.content as Array<Record<string, unknown>>) if (part.type === 'output_text') text.push(str(part.text) ?? '');
    } else if (item.type === 'reasoning') {
      for (const part of (item.summary ?? item.content ?? []) as Array<Record<string, unknown>>) reasoning.push(str(part.text) ?? '');
    } else if (item.type === 'function_call') {
      out.toolCalls.push({ index: out.toolCalls.length, id: str(item.call_id) ?? str(item.id), name: str(item.name), arguments: str(item.arguments) ?? '' });
    }
  }
  out.content = text.join('');
  out.reasoning = reasoning.join('');
  if (j.usage) out.usage = responsesUsage(j.usage);
  out.finishReason = finishReason(j);
  out.done = true;
}
