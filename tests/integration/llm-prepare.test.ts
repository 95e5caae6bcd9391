/**
 * What the runtime does once per LLM user class before users start
 * (prepareLlmClass): problems every user would hit are errors then, whatever
 * the traffic.
 */
import { Agent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { LLMUser } from '../../src/api/llm.js';
import { prepareLlmClass } from '../../src/clients/llm/client.js';
import type { ClientContext } from '../../src/clients/context.js';
import { UserError } from '../../src/errors.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';

const agent = new Agent();
afterAll(() => agent.close());

class Reader extends LLMUser {
  host = 'http://127.0.0.1:9';
  model = 'm';
  dataset = '/nonexistent/prompts.jsonl';
}

function ctx(options: Record<string, unknown> = {}): ClientContext {
  return { recorder: new MetricsRecorder(), dispatcher: agent, baseUrl: undefined, requestTimeoutMs: 1000, random: Math.random, hardStop: new AbortController().signal, options };
}

describe('prepareLlmClass', () => {
  it.each(['dataset', 'D(10,10)'])('refuses a missing dataset before any request (traffic %s)', (traffic) => {
    const prepare = () => prepareLlmClass(Object.assign(new Reader(), { traffic }), ctx());
    expect(prepare).toThrow(UserError);
    expect(prepare).toThrow(/\/nonexistent\/prompts\.jsonl/);
  });

  it('checks the traffic in force (--traffic), not only the class field', () => {
    const user = Object.assign(new Reader(), { dataset: undefined, traffic: 'D(10,10)' });
    expect(() => prepareLlmClass(user, ctx({ traffic: 'Q(1)' }))).toThrow(/invalid traffic "Q\(1\)"/);
    expect(() => prepareLlmClass(user, ctx())).not.toThrow();
  });
});
