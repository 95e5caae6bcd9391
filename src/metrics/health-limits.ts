// The limits past which a worker's health says the load generator is the
// bottleneck. The engine's generator-load check and the reports read the same two.

/** Above this CPU share a worker cannot keep its users on schedule. */
export const CPU_LIMIT = 0.9;
/** Above this event-loop delay, measured latencies include time spent waiting in the generator. */
export const LOOP_DELAY_LIMIT_MS = 50;
