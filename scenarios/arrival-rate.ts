/**
 * The open model: iterations arrive at a set rate whatever the target's speed,
 * so a slow target shows up as latency and dropped arrivals instead of fewer
 * requests (docs/load-models.md). Run it against any HTTP server:
 *
 *   bench run scenarios/arrival-rate.ts --host http://127.0.0.1:8080
 *   bench run scenarios/arrival-rate.ts --host http://127.0.0.1:8080 --rate 200/s -t 10s --burstiness 0.5
 */
import { HttpUser, task, type Options } from 'volley';

export const options: Options = {
  // Ramp the arrival rate up to 50/s, hold it, then ramp down; arrivals are Poisson.
  stages: [
    { duration: '10s', rate: '50/s' },
    { duration: '20s', rate: '50/s' },
    { duration: '5s', rate: 0 },
  ],
  arrivals: 'poisson',
  // At most 100 requests in flight; an arrival that finds all busy is counted in dropped_iterations.
  maxUsers: 100,
};

export class Visitor extends HttpUser {
  host = 'http://127.0.0.1:8080';

  // One arrival runs one task on a free user; there is no wait time in the open model.
  @task(3) async home() {
    await this.client.get('/');
  }

  @task(1) async items() {
    await this.client.get('/items', { name: '/items' });
  }
}
