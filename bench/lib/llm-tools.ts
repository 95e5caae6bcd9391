import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One streamed request as a load tool logged it: what bench/llm.ts compares with the mock's ground truth. */
export interface ClientRecord {
  /** The mock's request id (x-mock-request-id). */
  id?: string;
  /** Request start, epoch ms. */
  t: number;
  ttftMs?: number;
  /** Arrival of the last token-carrying chunk, ms after the start. */
  lastTokenMs?: number;
  /** Token-carrying chunks (one token each with the mock's defaults). */
  chunks?: number;
}

/** What every tool is asked to do in one run. */
export interface StreamRun {
  url: string;
  streams: number;
  outputTokens: number;
  /** Characters of prompt (≈ 4 per token), for the tools that send a fixed one. */
  promptChars: number;
  /** Start requests for this long, then let those in flight finish. */
  runSec: number;
  /** Streams start evenly over this time, so that they do not run in lockstep. */
  rampSec: number;
  /** Fresh folder for this run's files. */
  dir: string;
  root: string;
  /** Volley only: write its threads' CPU profiles (--cpu-prof) here. */
  profileDir?: string;
}

export interface LlmTool {
  label: string;
  command(run: StreamRun): string[];
  /** The per-request records, read after the tool exited. */
  records(run: StreamRun): ClientRecord[];
}

function readJsonl(path: string): ClientRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const out: ClientRecord[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      out.push(JSON.parse(line) as ClientRecord);
    } catch {
      // a torn last line of a killed tool
    }
  }
  return out;
}

/**
 * The minimal undici client of bench/lib/llm-baseline.ts, in its own process:
 * `script` is that file bundled to plain JavaScript once, before the runs, so
 * its whole-run CPU is `node client.mjs` (as a user would run it), not a
 * bundler's work too.
 */
export function baselineTool(script: string): LlmTool {
  return {
    label: 'baseline (undici)',
    command: (r) => [
      process.execPath,
      script,
      r.url,
      String(r.streams),
      String(Math.round(r.runSec * 1000)),
      join(r.dir, 'baseline.jsonl'),
      String(r.outputTokens),
      String(r.promptChars),
      String(Math.round(r.rampSec * 1000)),
    ],
    records: (r) => readJsonl(join(r.dir, 'baseline.jsonl')),
  };
}

/**
 * Volley itself: `bench run` with one worker and the LLMUser of bench/lib/llm-scenario.ts.
 * `build` runs another checkout's bin/bench.js instead (an A/B of two builds in one run).
 */
export function volleyTool(build?: { label: string; root: string }): LlmTool {
  const name = build ? `volley-${build.label}` : 'volley';
  return {
    label: build ? `volley (${build.label})` : 'volley',
    command: (r) => [
      process.execPath,
      // Not allowed in NODE_OPTIONS; piscina's workers inherit execArgv, so each thread writes a profile.
      ...(r.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${r.profileDir}`] : []),
      join(build?.root ?? r.root, 'bin/bench.js'),
      'run',
      join(r.root, 'bench/lib/llm-scenario.ts'),
      '-w', '1',
      '-u', String(r.streams),
      '-r', String(Math.ceil(r.streams / r.rampSec)),
      '-t', `${r.runSec}s`,
      '-H', r.url,
      '--headless',
      '--skip-host-check',
      '--traffic', `D(${Math.round(r.promptChars / 4)},${r.outputTokens})`,
      '--stop-timeout', '10s',
      '--requests-log', join(r.dir, `${name}.jsonl`),
      '--out', join(r.dir, `${name}-out`),
    ],
    records: (r) => readJsonl(join(r.dir, `${name}.jsonl`)),
  };
}

// Streams with geventhttpclient's readline on the blank line that ends each SSE
// event, one json.loads per event: how a Locust user streams an LLM answer.
const LOCUSTFILE = `import json, os, time
from locust import task, events
from locust.contrib.fasthttp import FastHttpUser

LOG = open(os.environ["LLM_BENCH_LOG"], "w", buffering=1 << 20)
WORDS = "Shall I compare thee to a summer day? Thou art more lovely and more temperate. "
CHARS = int(os.environ["LLM_BENCH_PROMPT_CHARS"])
BODY = json.dumps({
    "model": "mock-llm",
    "messages": [{"role": "user", "content": (WORDS * (CHARS // len(WORDS) + 1))[:CHARS]}],
    "stream": True,
    "stream_options": {"include_usage": True},
    "max_tokens": int(os.environ["LLM_BENCH_MAX_TOKENS"]),
})
HEADERS = {"content-type": "application/json"}


class Streamer(FastHttpUser):
    network_timeout = 120.0
    connection_timeout = 120.0

    @task
    def chat(self):
        t = time.time()
        start = time.perf_counter()
        resp = self.client.post("/v1/chat/completions", data=BODY, headers=HEADERS, stream=True)
        rid = resp.headers.get("x-mock-request-id") if resp.headers else None
        stream = resp.stream
        first = last = 0.0
        chunks = 0
        pieces = []
        while True:
            event = stream.readline(b"\\n\\n")
            if not event:
                break
            now = time.perf_counter()
            if not event.startswith(b"data: "):
                continue
            data = event[6:].strip()
            if data == b"[DONE]":
                continue
            choices = json.loads(data).get("choices") or [{}]
            text = (choices[0].get("delta") or {}).get("content")
            if text:
                if chunks == 0:
                    first = now
                last = now
                chunks += 1
                pieces.append(text)
        "".join(pieces)
        if chunks:
            LOG.write(json.dumps({"id": rid, "t": t * 1000, "ttftMs": (first - start) * 1000,
                                  "lastTokenMs": (last - start) * 1000, "chunks": chunks}) + "\\n")


@events.quitting.add_listener
def _flush(environment, **kw):
    LOG.flush()
`;

/** Locust's FastHttpUser, headless, users spawned over the ramp; running tasks finish at the end. */
export function locustTool(python: string): LlmTool {
  return {
    label: 'locust fasthttp',
    command(r) {
      const file = join(r.dir, 'locustfile.py');
      writeFileSync(file, LOCUSTFILE);
      const n = String(r.streams);
      return [
        'env',
        `LLM_BENCH_LOG=${join(r.dir, 'locust.jsonl')}`,
        `LLM_BENCH_PROMPT_CHARS=${r.promptChars}`,
        `LLM_BENCH_MAX_TOKENS=${r.outputTokens}`,
        python, '-m', 'locust', '-f', file, '--headless',
        '-u', n, '-r', String(Math.ceil(r.streams / r.rampSec)),
        '-t', `${Math.ceil(r.runSec)}s`,
        '--stop-timeout', '10',
        '--host', r.url,
        '--only-summary', '--loglevel', 'WARNING',
      ];
    },
    records: (r) => readJsonl(join(r.dir, 'locust.jsonl')),
  };
}
