/**
 * The closed model with stages: users ramp up, hold, and ramp down; users
 * above the target stop after their current task (docs/load-models.md).
 *
 *   bench run scenarios/ramp.ts --host http://127.0.0.1:8080
 *   bench run scenarios/ramp.ts --host http://127.0.0.1:8080 --stages 10s:20,20s:20,10s:0
 */
import { HttpUser, between, task, type Options } from 'volley';

export const options: Options = {
  stages: [
    { duration: '15s', users: 20 }, // 0 → 20 users over 15 s
    { duration: '30s', users: 20 }, // hold
    { duration: '10s', users: 0 }, //  20 → 0, each user finishing its task
  ],
};

export class Reader extends HttpUser {
  host = 'http://127.0.0.1:8080';
  waitTime = between(0.5, 1.5);

  @task(4) async list() {
    await this.client.get('/items');
  }

  @task(1) async home() {
    await this.client.get('/');
  }
}
