import type { MetricsAggregate } from '../metrics/aggregate.js';
import { createHistogram, latencyStats, type Histogram } from '../metrics/histogram.js';
import type { LiveWindowFigures } from '../metrics/live-snapshot.js';

/** The live figures look back at most this far. */
export const WINDOW_MAX_SEC = 10;
/** …and no further than it takes to hold this many requests, so a busy run still reads as "now". */
export const WINDOW_MIN_REQUESTS = 100;

interface Slice {
  sec: number;
  requests: number;
  failures: number;
  latency: Histogram;
  ttft?: Histogram;
  outputTokens: number;
}

/**
 * The recent past the live view reads: the last second alone says "0.0 req/s,
 * p50 0 ms" at low rates while requests complete. It keeps up to 10 s of
 * intervals and reads the shortest recent stretch holding 100 requests (all
 * 10 s when fewer came). A sweep's new stage starts a new window.
 */
export class LiveWindow {
  private slices: Slice[] = [];
  private stage: string | undefined;

  push(interval: MetricsAggregate, sec: number, stage?: string): void {
    if (stage !== this.stage) this.slices = [];
    this.stage = stage;
    const t = interval.total();
    this.slices.push({
      sec,
      requests: t.requests,
      failures: t.failures,
      latency: t.latency.toFull(),
      ttft: interval.trends.get('llm.ttft'),
      outputTokens: interval.counters['llm.output_tokens'] ?? 0,
    });
    let total = 0;
    for (let i = this.slices.length - 1; i >= 0; i--) {
      total += this.slices[i]!.sec;
      if (total > WINDOW_MAX_SEC + 0.5) {
        this.slices = this.slices.slice(i + 1);
        break;
      }
    }
  }

  figures(): LiveWindowFigures {
    let i = this.slices.length - 1;
    let requests = 0;
    for (; i > 0; i--) {
      requests += this.slices[i]!.requests;
      if (requests >= WINDOW_MIN_REQUESTS) break;
    }
    const used = this.slices.slice(Math.max(0, i));
    const seconds = used.reduce((a, s) => a + s.sec, 0);
    const latency = createHistogram();
    const ttft = createHistogram();
    let n = 0;
    let failures = 0;
    let outputTokens = 0;
    let withTtft = false;
    for (const s of used) {
      n += s.requests;
      failures += s.failures;
      outputTokens += s.outputTokens;
      latency.add(s.latency);
      if (s.ttft && s.ttft.totalCount > 0) {
        ttft.add(s.ttft);
        withTtft = true;
      }
    }
    const lat = latencyStats(latency);
    const perSec = (x: number) => (seconds > 0 ? x / seconds : 0);
    const out: LiveWindowFigures = {
      seconds,
      requests: n,
      rps: perSec(n),
      failuresPerSec: perSec(failures),
      p50Ms: n > 0 ? lat.p50 : null,
      p95Ms: n > 0 ? lat.p95 : null,
      p99Ms: n > 0 ? lat.p99 : null,
    };
    if (withTtft || outputTokens > 0) {
      out.ttftP50Ms = withTtft ? latencyStats(ttft).p50 : null;
      out.outputTokensPerSec = perSec(outputTokens);
    }
    return out;
  }
}
