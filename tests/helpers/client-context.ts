import type { ClientContext } from '../../src/clients/context.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { seededRandom } from '../../src/util/random.js';

/**
 * A client's context as a worker would give it, for tests that drive a client
 * on its own: a fresh recorder and hard-stop signal, a 10 s request timeout, a
 * seeded random and no options unless `fields` says otherwise. The dispatcher
 * and the base URL are always the test's.
 */
export function clientContext(fields: Pick<ClientContext, 'dispatcher' | 'baseUrl'> & Partial<ClientContext>): ClientContext {
  return { recorder: new MetricsRecorder(), requestTimeoutMs: 10_000, random: seededRandom(1), hardStop: new AbortController().signal, options: {}, ...fields };
}
