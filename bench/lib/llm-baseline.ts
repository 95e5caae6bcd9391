// The baseline of bench/llm.ts: the smallest honest streaming client, what a
// script written in an afternoon does. undici's request(), the body read as an
// async iterator, UTF-8 decoded, split on blank lines, one JSON.parse per
// event. Run as its own process:
//   node <this file bundled> <url> <streams> <runMs> <log> <maxTokens> <promptChars> <rampMs>
// Its streams start evenly over rampMs (so they do not run in lockstep), start
// requests until runMs, let those in flight finish, and it writes one
// JSON line per request ({ id, t, ttftMs, lastTokenMs, chunks }) to <log>.
import { appendFileSync } from 'node:fs';
import { Agent, request } from 'undici';

const [url, streamsText, runMsText, logPath, maxTokensText, promptCharsText, rampMsText] = process.argv.slice(2);
if (!url || !logPath) {
  console.error('usage: llm-baseline.ts <url> <streams> <runMs> <log> <maxTokens> <promptChars> <rampMs>');
  process.exit(2);
}
const streams = Number(streamsText);
const runMs = Number(runMsText);
const maxTokens = Number(maxTokensText);
const rampMs = Number(rampMsText ?? 0);

const agent = new Agent({ connections: streams, keepAliveTimeout: 30_000 });
const words = 'Shall I compare thee to a summer day? Thou art more lovely and more temperate. ';
const body = JSON.stringify({
  model: 'mock-llm',
  messages: [{ role: 'user', content: words.repeat(Math.ceil(Number(promptCharsText) / words.length)).slice(0, Number(promptCharsText)) }],
  stream: true,
  stream_options: { include_usage: true },
  max_tokens: maxTokens,
});
const target = url + '/v1/chat/completions';
const headers = { 'content-type': 'application/json' };

const lines: string[] = [];
const flush = () => {
  if (lines.length > 0) appendFileSync(logPath, lines.splice(0).join(''));
};
const flushTimer = setInterval(flush, 500);

async function one(): Promise<void> {
  const start = performance.now();
  const res = await request(target, { method: 'POST', dispatcher: agent, headers, body });
  const id = res.headers['x-mock-request-id'];
  const decoder = new TextDecoder();
  let buffered = '';
  let first = 0;
  let last = 0;
  let chunks = 0;
  const pieces: string[] = [];
  for await (const chunk of res.body) {
    const now = performance.now();
    buffered += decoder.decode(chunk as Buffer, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      if (!event.startsWith('data: ')) continue;
      const data = event.slice(6);
      if (data === '[DONE]') continue;
      const json = JSON.parse(data);
      const text = json.choices?.[0]?.delta?.content;
      if (text) {
        if (first === 0) first = now;
        last = now;
        chunks++;
        pieces.push(text);
      }
    }
  }
  pieces.join('');
  if (res.statusCode !== 200) return;
  lines.push(JSON.stringify({ id, t: performance.timeOrigin + start, ttftMs: first - start, lastTokenMs: last - start, chunks }) + '\n');
}

const deadline = performance.now() + runMs;
async function loop(_: unknown, i: number): Promise<void> {
  await new Promise((r) => setTimeout(r, (i * rampMs) / streams));
  while (performance.now() < deadline) {
    try {
      await one();
    } catch {
      // A failed request is not logged (the bench reports how many it matched); back off a little.
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
await Promise.all(Array.from({ length: streams }, loop));
clearInterval(flushTimer);
flush();
await agent.close();
