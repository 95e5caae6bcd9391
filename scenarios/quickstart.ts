/**
 * The smallest useful scenario: one kind of user making plain HTTP requests.
 *
 *   bench run scenarios/quickstart.ts -u 5 -t 5s --headless
 *
 * `host = 'mock'` starts Volley's built-in mock server for the run, so this works
 * without any server of your own. Point it at yours with -H http://127.0.0.1:8080.
 */
import { HttpUser, between, check, task } from 'volley';

export class Visitor extends HttpUser {
  host = 'mock';
  // Each user waits 0.1 to 0.5 s after every task, like a person would.
  waitTime = between(0.1, 0.5);

  // Three times as often as health().
  @task(3) async models() {
    const res = await this.client.get('/v1/models');
    check(res, {
      'models: status is 200': (r) => r.status === 200,
      'models: lists mock-llm': (r) => r.json<{ data: Array<{ id: string }> }>().data.some((m) => m.id === 'mock-llm'),
    });
  }

  @task async health() {
    const res = await this.client.get('/health');
    check(res, { 'health: status is ok': (r) => r.json<{ status: string }>().status === 'ok' });
  }
}
