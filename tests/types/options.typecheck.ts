// Type-checked by `npx tsc --noEmit` (tsconfig includes tests/), never run:
// the public options type comes from the options schema, so what the run
// rejects as an unknown key or a wrong type, the editor rejects first. Each
// `@ts-expect-error` fails the type check when the line below it compiles.
import { defineConfig, type Options, type ScenarioOptions } from '../../src/api/index.js';

// Every kind of option the schema knows, as a user writes it.
export const full = defineConfig({
  users: 10,
  spawnRate: 2,
  duration: '1m',
  iterations: 100,
  host: 'http://127.0.0.1:8080',
  workers: 2,
  headless: true,
  out: 'results',
  seed: 1,
  stopTimeout: 5,
  requestTimeout: '30s',
  userClasses: 'Shopper,Admin',
  tags: ['checkout'],
  thresholds: ['http.p95<300ms', { threshold: 'http.errors.rate<1%', abortOnFail: true, delayAbortEval: '10s' }],
  stages: [{ duration: '30s', users: 100 }, { duration: '1m', rate: '50/s' }],
  arrivals: 'poisson',
  scenarios: { browse: { executor: 'ramping-users', stages: '30s:10,30s:0', userClasses: ['Shopper'] }, api: { rate: 100, startTime: '30s' } },
  traffic: 'D(100,100)',
  concurrency: '1,2,4',
  tokenizer: 'cl100k_base',
  maxBody: '16MiB',
  llmTransport: 'socket',
  mock: { ttft: '200ms', itl: '20ms' },
  segment: '1/4',
  paused: false,
});

export const scenarioOptions: Options = { users: 5, duration: 30 };

// @ts-expect-error a misspelt option ('userz') is no option
export const typo = defineConfig({ userz: 10 });

// @ts-expect-error a misspelt option in `export const options` is an error too
export const typoInScenario: Options = { users: 1, duraton: '1m' };

// @ts-expect-error the wrong type: users is a number
export const wrongType = defineConfig({ users: '10' });

// @ts-expect-error an executor that does not exist
export const badExecutor: ScenarioOptions = { executor: 'constant-vus' };

// @ts-expect-error a misspelt mock option
export const badMock = defineConfig({ mock: { ttfb: '200ms' } });

// @ts-expect-error a tokenizer the run does not know
export const badTokenizer = defineConfig({ tokenizer: 'gpt2' });
