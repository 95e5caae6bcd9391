/**
 * The mock's concurrency cap (`maxConcurrent`): like a serving engine's batch
 * limit, at most N requests are served at once and the rest wait their turn,
 * first come first served. The wait is the server's, so it lands in the
 * client's TTFT as a real queue does. With a fixed service time S, the mock
 * then serves at most N / S requests a second: a capacity known in advance
 * (docs/mock-server.md#concurrency-cap).
 */
export class ConcurrencyGate {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly limit: number) {}

  /** Requests waiting for a slot (vllm:num_requests_waiting). */
  get waiting(): number {
    return this.queue.length;
  }

  /** Requests holding a slot. */
  get running(): number {
    return this.active;
  }

  /** Resolves once the request holds a slot; undefined when it got one at once. */
  acquire(): Promise<void> | undefined {
    if (this.active < this.limit) {
      this.active++;
      return undefined;
    }
    return new Promise<void>((resolve) => this.queue.push(resolve));
  }

  /** Frees a slot: the next waiting request takes it. */
  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }
}
