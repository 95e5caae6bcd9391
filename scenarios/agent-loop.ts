import { LLMUser, counter, task, type ChatMessage, type ToolCall } from 'volley';

/**
 * An agent loop: the model gets a question and two tools, calls them, reads
 * their results and goes on until it answers in text, at most MAX_TURNS
 * requests per question. Every request is measured like any chat (a turn that
 * only calls a tool has its TTFT, ITL and output tokens too); the loop counts
 * `agent.answers`, `agent.turns` (requests of answered questions) and `agent.tool_calls`.
 * Against `host = 'mock'` the model calls the first tool, then answers the
 * tool's result with text: two requests per question.
 * Run: bench run scenarios/agent-loop.ts --users 4 --duration 30s --slo 'ttft<500ms'
 */
const MAX_TURNS = 6;

const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'search_docs',
      description: 'Search the product documentation',
      parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_order',
      description: 'Look up an order by id',
      parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
    },
  },
];

/** The tools themselves: local stand-ins that answer at once. */
function runTool(call: ToolCall): string {
  if (call.input === undefined) return JSON.stringify({ error: 'arguments are not valid JSON' });
  const query = String((call.input as { query?: unknown }).query ?? '');
  if (call.name === 'get_order') return JSON.stringify({ order: query.trim().slice(0, 12), status: 'shipped' });
  return JSON.stringify({ results: [`Docs about ${query.trim().slice(0, 40)}`] });
}

export class Agent extends LLMUser {
  host = 'mock';
  model = 'llama-3-8b';
  traffic = 'D(200,40)';

  @task() async solve() {
    let messages: ChatMessage[] = [
      { role: 'system', content: 'You are a support agent. Use the tools when they help.' },
      { role: 'user', content: 'Where is my order 4711, and how do I return it?' },
    ];
    for (let turn = 1; turn <= MAX_TURNS; turn++) {
      // The last turn may not call a tool: it must answer.
      const r = await this.llm.chat({ messages, tools: TOOLS, toolChoice: turn === MAX_TURNS ? 'none' : 'auto', outputTokens: 40 });
      if (r.error) return; // counted in llm.errors.<kind>; start over with the next question
      if (r.toolCalls.length === 0) {
        counter('agent.answers');
        counter('agent.turns', turn);
        return;
      }
      counter('agent.tool_calls', r.toolCalls.length);
      messages = [...r.messages, ...r.toolCalls.map((c) => ({ role: 'tool', tool_call_id: c.id, content: runTool(c) }))];
    }
  }
}
