/** The files `bench init` writes: a commented starter scenario, and a project around it in an empty folder. */

export type StarterKind = 'http' | 'llm';

export const HTTP_SCENARIO = `/**
 * A starter HTTP scenario. Run it:
 *
 *   npx bench run __FILE__ -u 5 -t 10s
 *
 * \`host = 'mock'\` starts Volley's built-in mock server for the run, so this works
 * without a server of your own. Point it at yours with -H http://127.0.0.1:8080
 * (or change \`host\`). Writing scenarios: docs/scenarios.md.
 */
import { HttpUser, between, check, task } from 'volley';

export class Visitor extends HttpUser {
  host = 'mock';
  // Each user waits 0.5 to 2 s after every task, as a person would.
  waitTime = between(0.5, 2);

  // Runs at the start of each user, before its tasks (log in here).
  async onStart() {}

  // A task; the weight 3 makes it three times as frequent as health().
  @task(3) async list() {
    const res = await this.client.get('/v1/models');
    check(res, { 'list: status is 200': (r) => r.status === 200 });
  }

  @task async health() {
    // \`name\` groups requests under one row of the results (e.g. URLs with ids).
    const res = await this.client.get('/health', { name: '/health' });
    check(res, { 'health: status is 200': (r) => r.status === 200 });
  }
}
`;

export const LLM_SCENARIO = `/**
 * A starter LLM scenario. Run it:
 *
 *   npx bench run __FILE__ -u 4 -t 10s
 *
 * \`host = 'mock'\` starts Volley's built-in mock LLM server (OpenAI-compatible),
 * so this runs without a GPU or an API key. For a real server, set \`host\`
 * (or pass -H http://127.0.0.1:8000) and \`apiKeyEnv\` to the variable holding
 * the key. Metrics and options: docs/llm.md.
 */
import { LLMUser, task } from 'volley';

export class Chat extends LLMUser {
  host = 'mock';
  model = 'llama-3-8b';
  // Provider dialect: 'openai' (default), 'azure', 'anthropic' or 'cohere'.
  // provider = 'openai';
  // The environment variable that holds the API key (never written to the results).
  // apiKeyEnv = 'OPENAI_API_KEY';
  // Request shape: input/output tokens, normally distributed (mean, sd).
  traffic = 'N(480,240)/(300,150)';

  @task() async ask() {
    // With no argument: a prompt of the traffic's input length, and a reply of its output length.
    await this.llm.chat();
  }
}
`;

export const BENCH_CONFIG = `/**
 * Defaults for \`bench run\` in this folder. The command line beats a scenario's
 * \`export const options\`, which beats this file.
 */
import { defineConfig } from 'volley';

export default defineConfig({
  // Where summary.json, report.html and the CSV files go.
  out: 'results',
  // Pass/fail criteria, checked at the end (exit code 99 when crossed), e.g.:
  // thresholds: ['http.p95<500ms', 'http.errors.rate<1%'],
});
`;

/** Types of the scenario API come from the installed package: `volley` and `typescript` (and Node's types) in devDependencies. */
export const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    useDefineForClassFields: true,
  },
  include: ['**/*.ts'],
  exclude: ['node_modules', 'results'],
};

export function packageJson(name: string, volleySpec: string, typesNode: string, typescript: string): object {
  return {
    name,
    private: true,
    type: 'module',
    scripts: { bench: 'bench run' },
    devDependencies: { '@types/node': typesNode, typescript, volley: volleySpec },
  };
}
