/**
 * How many streams one mock keeps on time. Its event loop writes every token
 * chunk of every stream on a timer; past about MOCK_CHUNKS_PER_SEC chunk
 * writes a second the timers fire late and TTFT and ITL drift later than set.
 * Measured with bench/mock-limit.ts on the 2-core development machine while it
 * was shared (load average ~17, docs/mock-server.md "Capacity"): at ttft 200 ms
 * and itl 20 ms, 100 streams kept TTFT p99 at 244 ms; 250 streams let it
 * drift to 380–510 ms, 500 to 510–574 ms, 1,000 to 540–1,340 ms.
 */
export const MOCK_CHUNKS_PER_SEC = 12_500;

/** Concurrent streams the mock keeps on time at this pace: 250 at itl 20 ms, one token a chunk. */
export function mockStreamLimit(itlMs: number, tokensPerChunk: number): number {
  const chunksPerSecPerStream = 1000 / Math.max(1, itlMs) / tokensPerChunk;
  return Math.max(1, Math.floor(MOCK_CHUNKS_PER_SEC / chunksPerSecPerStream));
}

/**
 * Counts the streams in flight and warns once each time they pass the limit
 * (again only after they fell back below 80% of it), so a test whose figures
 * come from an overloaded mock says so.
 */
export class StreamCapacity {
  private active = 0;
  private warned = false;

  constructor(
    readonly limit: number,
    private readonly itlMs: number,
    private readonly warn: (message: string) => void,
  ) {}

  opened(): void {
    this.active++;
    if (this.active > this.limit && !this.warned) {
      this.warned = true;
      this.warn(
        `mock: ${this.active} concurrent streams, past the ${this.limit} this mock keeps on time at itl ${this.itlMs} ms (docs/mock-server.md, "Capacity"): its TTFT and ITL now drift later than set; use fewer streams, a longer itl or several mocks`,
      );
    }
  }

  closed(): void {
    this.active--;
    if (this.warned && this.active <= this.limit * 0.8) this.warned = false;
  }
}
