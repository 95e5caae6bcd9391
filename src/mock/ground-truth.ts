/** What the mock server actually did for one request, for checking what clients measured. */
export interface GroundTruthRecord {
  /** Also sent as header `x-mock-request-id` and as the `id` of the response. */
  id: string;
  path: string;
  /** When the request headers arrived: performance.timeOrigin + performance.now(), epoch ms. */
  receivedAt: number;
  /** When the first output token (reasoning or content) was written. */
  firstTokenAt?: number;
  /** When the first content (not reasoning) token was written. */
  firstContentAt?: number;
  /** When the last output token was written. */
  lastTokenAt?: number;
  /** Output tokens written, reasoning included. */
  outputTokens: number;
  inputTokens: number;
  /** Input tokens the prefix cache answered (set only when the mock simulates one: prefixCache). */
  cachedTokens?: number;
  /** Writes that carried output tokens (1 for a non-streamed answer). */
  chunks: number;
  status: number;
  /** Set when the request did not end normally: injected error, cut stream, client gone. */
  error?: string;
}

/** Epoch milliseconds with sub-millisecond precision, on the same clock as performance.now(). */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * The last `capacity` records, oldest first. A ring buffer, so a long run
 * keeps bounded memory and recording costs no array shifting.
 */
export class GroundTruthLog {
  private readonly slots: (GroundTruthRecord | undefined)[];
  private next = 0;
  private size = 0;

  constructor(readonly capacity = 100_000) {
    this.slots = new Array(capacity);
  }

  /** Adds a record; the caller keeps it and fills in the rest as the answer goes out. */
  add(record: GroundTruthRecord): GroundTruthRecord {
    this.slots[this.next] = record;
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
    return record;
  }

  /** Copies of the records, oldest first. */
  list(): GroundTruthRecord[] {
    const out: GroundTruthRecord[] = [];
    const start = (this.next - this.size + this.capacity) % this.capacity;
    for (let i = 0; i < this.size; i++) out.push({ ...this.slots[(start + i) % this.capacity]! });
    return out;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.next = 0;
    this.size = 0;
  }
}
